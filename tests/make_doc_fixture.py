"""Rebuild tests/fixtures/attachments/002_report.doc (report 002 plus the statistics table, Word 97).

No pure-Python writer of Word 97 .doc files exists, and LibreOffice (~260 MB installed) is too big
for `make install` just for one test file, so the .doc is committed. To rebuild it, on a machine with
LibreOffice (apt-get install --no-install-recommends libreoffice-writer-nogui):

    .venv/bin/python -m tests.make_doc_fixture
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.attachment_samples import DOC_FIXTURE, docx_002


def main() -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("needs LibreOffice: apt-get install --no-install-recommends libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "002_report.docx"
        source.write_bytes(docx_002())
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "doc:MS Word 97", "--outdir", tmp, str(source)],
                       check=True, capture_output=True, timeout=180)
        DOC_FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "002_report.doc", DOC_FIXTURE)
    print(f"wrote {DOC_FIXTURE} ({DOC_FIXTURE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
