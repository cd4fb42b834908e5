"""Every export format: the Anki ones (`quizapp.domain.anki`) and the quiz tools'.

`EXPORTERS` is the one registry (format name -> `Exporter`) the export menu, the
command line and the export service read: the Anki package, Anki's text file,
CSV and JSONL from `anki.EXPORTERS`, then the formats teachers load in their
school's systems:

- "moodle": Moodle XML (`moodle`);
- "gift": GIFT, Moodle's text format (`gift`);
- "qti": an IMS QTI 2.1 package for Canvas, Blackboard and others (`qti`);
- "kahoot": Kahoot's quiz spreadsheet (`kahoot`).

Each maps quizapp's question kinds onto the tool's shapes through `items`, so
they agree on what a question becomes.
"""

from quizapp.domain import anki
from quizapp.domain.anki import Exporter
from quizapp.domain.exports.gift import write_gift
from quizapp.domain.exports.kahoot import write_kahoot
from quizapp.domain.exports.moodle import write_moodle_xml
from quizapp.domain.exports.qti import write_qti

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXPORTERS: dict[str, Exporter] = {
    **anki.EXPORTERS,
    **{
        exporter.name: exporter
        for exporter in (
            Exporter(
                "moodle", "Moodle XML (.xml)", "moodle.xml", "application/xml", write_moodle_xml
            ),
            Exporter(
                "gift", "Moodle GIFT (.txt)", "gift.txt", "text/plain; charset=utf-8", write_gift
            ),
            Exporter(
                "qti",
                "QTI 2.1 for Canvas, Blackboard (.zip)",
                "qti.zip",
                "application/zip",
                write_qti,
            ),
            Exporter("kahoot", "Kahoot spreadsheet (.xlsx)", "kahoot.xlsx", XLSX, write_kahoot),
        )
    },
}

__all__ = ["EXPORTERS", "write_gift", "write_kahoot", "write_moodle_xml", "write_qti"]
