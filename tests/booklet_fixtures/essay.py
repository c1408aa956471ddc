"""A short essay written for these tests (not from any source), with what an importer must get
right: long words that break at line ends, compounds whose hyphens stay (co-operation,
self-management, anti-Brest-Litovsk), a block quotation, a heading that wraps, and two tokens run
together by a careless extraction ("partywhen", "theWhites") that must be reported, not fixed."""

from booklet_fixtures.layout import Block

ESSAY = [
    Block("paragraph",
          "The printers of the small northern town had never thought of themselves as "
          "revolutionaries. They set type for grocers, for the chapel and for the council, and "
          "they argued about football more than about politics. Yet when the owner of the press "
          "closed the doors in the autumn, the compositors decided that the machines belonged to "
          "the people who had kept them running for twenty years, and they opened the doors "
          "again themselves."),
    Block("paragraph",
          "What followed was an experiment in co-operation that lasted almost three years. The "
          "workers elected a committee, published their accounts every month, and refused to "
          "employ a manager. Their effort attracted visitors from the whole region, and the "
          "newspapers described them as either heroes or criminals, depending on the newspaper."),
    Block("heading", "The press in the cellar"),
    Block("paragraph",
          "The first months were the hardest. Paper was expensive, the electricity company "
          "demanded payment in advance, and the largest customers disappeared overnight. The "
          "committee answered with a simple principle: every decision about the work would be "
          "taken by the people who did it. They called this self-management, and they meant it "
          "literally, rotating the unpleasant tasks and sharing the wages equally."),
    Block("paragraph",
          "A local historian later compared them with the anti-Brest-Litovsk communists of 1918, "
          "who preferred a desperate independence to a comfortable surrender. The comparison was "
          "generous but not absurd. Like them, the printers understood that the organisation of "
          "production was a political question, and that nobody would answer it for them. One "
          "of the founders wrote in the cooperative bulletin:"),
    Block("quote",
          "“We do not ask anybody for permission to work. We ask only that those who read what "
          "we print remember that it was made by hands which are not hired. If the town wants "
          "newspapers, it shall have them; if it wants obedience, it must look elsewhere.” "
          "(Bulletin of the Press Co-operative, March)"),
    Block("paragraph",
          "The bulletin itself became their most successful product. It reported disputes in "
          "other workplaces, printed letters from readers, and explained the accounts of the "
          "press in plain language. Its circulation rose from two hundred copies to nearly four "
          "thousand, and several neighbouring factories asked for advice on how to organise "
          "their own committees. The council, alarmed, sent inspectors to examine the building "
          "and the wiring, and found nothing that could close it."),
    Block("heading", "How the co-operative survived the long winter of the strikes"),
    Block("paragraph",
          "The winter of the strikes tested everything. Orders stopped, the bank withdrew its "
          "credit, and the committee had to choose between paying wages and buying paper. They "
          "chose paper, on the grounds that a press without paper was a museum, and the "
          "workers lived for six weeks on a common kitchen supported by the neighbouring "
          "unions. It was the moment at which the co-operation between the press and the town "
          "became visible to everyone, including its enemies."),
    Block("paragraph",
          "Some members wanted to join the party when the strikes ended; others argued that a "
          "partywhen it mattered had been nowhere to be seen. The quarrel was bitter but it did "
          "not split the press. Even theWhites of the local conservative club, who had promised "
          "to ruin them, ended by ordering their election posters from the cellar, because "
          "nobody else in the town could print them in time."),
    Block("paragraph",
          "When the press finally closed, it closed by a vote of its own members, who had found "
          "other work and preferred to end the experiment rather than let it decline. The last "
          "issue of the bulletin thanked the readers, listed every debt paid, and printed the "
          "names of all the workers who had kept the machines running."),
]


def essay_words() -> list[str]:
    return [word for block in ESSAY for word in block.text.split()]
