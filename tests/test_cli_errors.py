"""Every error a user can cause: one line naming the place and what to do, exit 2, no traceback,
and nothing written to the output folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from manuscripts import METADATA, make_manuscript


def samizdat(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "samizdat", *args], cwd=cwd, capture_output=True, text=True
    )


def assert_user_error(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def build(tmp_path: Path, *extra: str):
    return samizdat("build", "--out", str(tmp_path / "build"), *extra, cwd=tmp_path)


def test_missing_manuscript_folder(tmp_path):
    result = build(tmp_path, "--manuscript", "nowhere")
    assert_user_error(result, "nowhere", "manuscript folder not found", "--manuscript")
    assert not (tmp_path / "build").exists()


def test_malformed_yaml_names_file_and_line(tmp_path):
    make_manuscript(tmp_path, METADATA + "subjects: [unclosed\nrights: x\n")
    result = build(tmp_path)
    assert_user_error(result, "metadata.yaml:", "malformed YAML")
    line = int(result.stderr.split("metadata.yaml:")[1].split(":")[0])
    assert line in (11, 12, 13)  # where PyYAML notices the unclosed flow sequence
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("field", ["title", "author", "lang", "identifier"])
def test_missing_required_field(tmp_path, field):
    metadata = "".join(
        line + "\n" for line in METADATA.splitlines() if not line.startswith(f"{field}:")
    )
    make_manuscript(tmp_path, metadata)
    result = build(tmp_path)
    assert_user_error(result, "metadata.yaml", f"'{field}'", "missing")
    assert not (tmp_path / "build").exists()


def test_wrong_type_of_field_names_its_line(tmp_path):
    make_manuscript(tmp_path, METADATA.replace("title: A Small Pamphlet", "title: [a, b]"))
    assert_user_error(build(tmp_path), "metadata.yaml:1", "'title' must be text")


def test_non_utf8_chapter_names_file_and_line(tmp_path):
    folder = make_manuscript(tmp_path)
    (folder / "chapters" / "02-middle.md").write_bytes(
        "# Title\n\nfine line\n".encode() + "caf\xe9 in Latin-1\n".encode("latin-1")
    )
    result = build(tmp_path)
    assert_user_error(result, "02-middle.md:4", "not UTF-8", "save the file as UTF-8")
    assert not (tmp_path / "build").exists()


def test_unreadable_chapter(tmp_path):
    folder = make_manuscript(tmp_path)
    # A folder where a chapter file should be: unreadable even for root, unlike chmod 000.
    (folder / "chapters" / "04-broken.md").mkdir()
    result = build(tmp_path)
    assert_user_error(result, "04-broken.md", "cannot read")


def test_unknown_edition_name(tmp_path):
    make_manuscript(tmp_path)
    result = build(tmp_path, "--only", "epub,hardback")
    assert_user_error(result, "unknown edition 'hardback'", "booklet-a4")
    assert not (tmp_path / "build").exists()


def test_bad_edition_table_names_the_field(tmp_path):
    make_manuscript(tmp_path, METADATA + "editions:\n  pocket:\n    page-size: A6\n")
    assert_user_error(build(tmp_path), "metadata.yaml:10", "editions", "format")


def test_listed_chapter_outside_manuscript(tmp_path):
    make_manuscript(tmp_path, METADATA + "chapters:\n  - ../../secret.md\n")
    assert_user_error(build(tmp_path), "metadata.yaml:10", "outside the manuscript")


def test_debug_shows_the_traceback(tmp_path):
    result = samizdat("build", "--manuscript", "nowhere", "--debug", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "ManuscriptError" in result.stderr


def test_every_subcommand_has_help(tmp_path):
    for command in ("build", "watch", "check", "lint", "import", "impose", "clean"):
        result = samizdat(command, "--help", cwd=tmp_path)
        assert result.returncode == 0 and "usage: samizdat " + command in result.stdout


def test_unused_footnote_is_a_one_line_warning_and_the_build_goes_on(tmp_path):
    from manuscripts import CHAPTERS

    chapters = dict(CHAPTERS)
    chapters["03-end.md"] += "\n[^unused]: Never called.\n"
    make_manuscript(tmp_path, chapters=chapters)
    styles = Path(__file__).resolve().parents[1] / "styles"
    result = build(tmp_path, "--only", "epub", "--styles", str(styles))
    assert result.returncode == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warning == [
        "samizdat: warning: manuscript/chapters/03-end.md:5: footnote [^unused] is defined "
        "but never called; it is left out"
    ]


def test_import_of_an_empty_file(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n")
    result = samizdat("import", "empty.txt", "--out", "drafts", cwd=tmp_path)
    assert_user_error(result, "empty.txt")
    assert not (tmp_path / "drafts").exists()


def test_cover_image_problems_name_the_field(tmp_path):
    folder = make_manuscript(tmp_path, METADATA + "cover: images/missing.jpg\n")
    assert_user_error(build(tmp_path), "metadata.yaml:10", "cover image", "not found")
    (folder / "cover.gif").write_bytes(b"GIF89a")
    (folder / "metadata.yaml").write_text(METADATA + "cover: cover.gif\n")
    assert_user_error(build(tmp_path), "metadata.yaml:10", "JPEG or PNG")
    (folder / "metadata.yaml").write_text(METADATA + "cover: /etc/passwd\n")
    assert_user_error(build(tmp_path), "metadata.yaml:10", "outside the manuscript")
    assert not (tmp_path / "build").exists()


def test_a_correction_naming_an_unknown_chapter(tmp_path):
    folder = make_manuscript(tmp_path)
    (folder / "corrections.yaml").write_text(
        "- chapter: 02-middle.md\n  original: a\n  corrected: b\n"
        "- chapter: 09-nowhere.md\n  original: a\n  corrected: b\n"
    )
    assert_user_error(build(tmp_path), "corrections.yaml:4", "09-nowhere.md", "02-middle.md")


def test_every_missing_and_invalid_field_in_one_run(tmp_path):
    """A new manuscript is not fixed one field per run: every problem of metadata.yaml is said."""
    make_manuscript(tmp_path, "title: Only a Title\ndate: 14 January 2026\nlang: English\n")
    result = build(tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert [line.split(": ", 3)[3].split(";")[0] for line in lines] == [
        "required field 'author' is missing",
        "required field 'identifier' is missing",
        "'lang: English' is not a BCP 47 language tag",
        "'date: 14 January 2026' is not an ISO 8601 date",
    ]
    assert "metadata.yaml:2 (date)" in lines[3] and "2021-09-12" in lines[3]
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("date", ["2021", "2021-09", "2021-09-12", "2021-09-12T10:00:00Z"])
def test_iso_dates_are_accepted(tmp_path, date):
    from samizdat.config import load_manuscript

    folder = make_manuscript(tmp_path, METADATA.replace("date: 2021-09-12", f"date: '{date}'"))
    assert load_manuscript(folder).metadata.date == date


def test_an_unknown_field_is_a_located_warning_naming_the_nearest(tmp_path):
    make_manuscript(tmp_path, METADATA + "contributor: {name: Ada Byrne, role: trl}\n")
    result = samizdat("build", "--out", str(tmp_path / "build"), "--only", "epub", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (warning,) = [line for line in result.stderr.splitlines() if "warning" in line]
    assert "metadata.yaml:10: unknown field 'contributor' is left out" in warning
    assert "did you mean 'contributors'?" in warning


def test_contributors_need_a_marc_role(tmp_path):
    make_manuscript(tmp_path, METADATA + "contributors:\n  - {name: Ada Byrne}\n")
    assert_user_error(build(tmp_path), "metadata.yaml:10 (contributors)", "needs a role", "trl")


def test_long_titles_give_slugs_cut_at_a_word(tmp_path):
    from samizdat.config import slugify

    title = ("The Most Intransigent of Bolsheviks: Gavril Miasnikov, the Workers Group and the "
             "Degeneration of the Russian Revolution")
    slug = slugify(title)
    assert slug == "the-most-intransigent-of-bolsheviks-gavril-miasnikov-the"
    assert len(slug) <= 60 and title.lower().replace(":", "").replace(",", "").replace(
        " ", "-").startswith(slug)


def test_lint_never_shows_a_traceback_on_a_bad_nocite(tmp_path):
    folder = make_manuscript(tmp_path, METADATA + 'bibliography: refs.yaml\nnocite: ["@a", 2021]\n')
    (folder / "refs.yaml").write_text("references:\n- {id: a, type: book, title: A}\n")
    result = samizdat("lint", "--manuscript", str(folder), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "metadata.yaml:11:1: C005 'nocite:' entry 2021 is not a citation key" in result.stdout
    assert_user_error(build(tmp_path), "metadata.yaml:11", "'nocite:' entry 2021")


def test_an_escaped_footnote_call_is_text_for_the_build_and_the_lint_alike(tmp_path):
    folder = make_manuscript(tmp_path, chapters={"01.md": "Write \\[^x] for a note.\n"})
    lint = samizdat("lint", "--manuscript", str(folder), cwd=tmp_path)
    assert "F001" not in lint.stdout
    assert build(tmp_path, "--only", "epub").returncode == 0


def test_errors_cross_from_worker_processes_whole():
    import pickle

    from samizdat.errors import BuildError, ManuscriptError, ManuscriptErrors

    for error in (BuildError("m", file="f.md", line=3, hint="h"),
                  ManuscriptErrors([ManuscriptError("a", file="x", line=1),
                                    ManuscriptError("b", field="lang")])):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)
        assert getattr(copy, "errors", None) is None or [str(e) for e in copy.errors] == [
            str(e) for e in error.errors]


def refused_print_styles(tmp_path: Path) -> Path:
    """Our styles, with a print rule WeasyPrint warns about: a print build fails while laying
    out, after the book was read."""
    styles = tmp_path / "styles"
    shutil.copytree(Path(__file__).resolve().parents[1] / "styles", styles)
    with (styles / "print.css").open("a", encoding="utf-8") as sheet:
        sheet.write("\np { hyphenate-limit-lines: 2; }\n")
    return styles


def test_a_failing_worker_is_one_line_in_a_parallel_build(tmp_path):
    styles = refused_print_styles(tmp_path)
    make_manuscript(tmp_path)
    result = build(tmp_path, "--jobs", "2", "--styles", str(styles))
    assert_user_error(result, "WeasyPrint reported", "hyphenate-limit-lines")


def test_an_id_given_in_two_chapters_names_both_places(tmp_path):
    # The print edition is one document: WeasyPrint would refuse it ("Anchor defined twice"),
    # naming neither file nor line.
    make_manuscript(tmp_path, chapters={
        "01-one.md": "# One\n\nText.\n\n## An aside {#aside}\n\nMore.\n",
        "02-two.md": "# Two\n\nText.\n\n::: {#aside .box}\nBoxed.\n:::\n\nSee [the aside](#aside).\n",
    })
    result = build(tmp_path, "--only", "pdf")
    assert_user_error(result, "02-two.md:5:", "the id 'aside' is given twice",
                      "01-one.md (line 5)", "rename one of them")
    assert not (tmp_path / "build").exists()
    lint = samizdat("lint", cwd=tmp_path)
    assert lint.returncode == 1
    assert "02-two.md:5:1: M024 the id 'aside' is given twice" in lint.stdout


def test_a_build_that_fails_after_reading_leaves_no_output_folder(tmp_path):
    styles = refused_print_styles(tmp_path)
    make_manuscript(tmp_path)
    result = build(tmp_path, "--only", "pdf", "--styles", str(styles))
    assert_user_error(result, "WeasyPrint reported", "hyphenate-limit-lines")
    assert not (tmp_path / "build").exists()  # not even the cache: nothing was made
    # a folder that was there before keeps what it had
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "notes.txt").write_text("mine")
    assert_user_error(build(tmp_path, "--only", "pdf", "--styles", str(styles)), "WeasyPrint")
    assert (tmp_path / "build" / "notes.txt").read_text() == "mine"


def test_an_id_given_twice_in_one_chapter_is_a_located_warning(tmp_path):
    make_manuscript(tmp_path, chapters={
        "01-one.md": "# One\n\n## An aside {#aside}\n\nText.\n\n::: {#aside}\nBoxed.\n:::\n",
    })
    result = build(tmp_path, "--only", "epub")
    assert result.returncode == 0, result.stderr
    assert ("01-one.md:7: the id 'aside' is given twice in this chapter; links to it lead to "
            "the first") in result.stderr
