"""The platforms' periodic work: import files dropped by 信用中国, export what is due.
Each file is its own transaction; a file that cannot be read is moved aside with why."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from app.clock import now
from app.platforms.creditchina import ImportRefused, import_applications, parse
from app.platforms.exports import export_pending

log = logging.getLogger(__name__)
MAX_FILES_PER_RUN = 20


def folders() -> tuple[Path, Path]:
    base = Path(current_app.instance_path)
    drop = Path(current_app.config.get("CREDITCHINA_DROP_DIR") or base / "platforms" / "creditchina-in")
    out = Path(current_app.config.get("PLATFORM_EXPORT_DIR") or base / "platforms" / "out")
    return drop, out


def import_file(session: Session, path: Path) -> dict:
    report = import_applications(session, parse(path.read_bytes()))
    session.commit()
    return report


def import_dropped(session: Session) -> int:
    drop, _ = folders()
    if not drop.is_dir():
        return 0
    done = drop / "processed"
    count = 0
    for path in sorted(drop.glob("*.json"))[:MAX_FILES_PER_RUN]:
        done.mkdir(exist_ok=True)
        try:
            report = import_file(session, path)
        except ImportRefused as exc:
            session.rollback()
            report = {"error": exc.message}
        stamp = f"{now():%Y%m%dT%H%M%S}"
        path.replace(done / f"{stamp}-{path.name}")
        (done / f"{stamp}-{path.stem}.report.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        log.info("imported %s: %s", path.name, {k: len(v) for k, v in report.items() if isinstance(v, list)})
        count += 1
    return count


def run(session: Session) -> dict[str, int]:
    import_dropped(session)
    _, out = folders()
    written = export_pending(session, out)
    session.commit()
    return written
