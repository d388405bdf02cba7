"""The nightly run as a crontab line or a systemd service and timer, printed or installed."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

CRON_MARKER = "# govarchive nightly crawl"
UNIT_NAME = "govarchive-nightly"


def nightly_command(data_dir, registry=None) -> list[str]:
    """The command cron or systemd runs: this installation's govarchive, absolute paths only."""
    govarchive = Path(sys.executable).with_name("govarchive")
    command = [str(govarchive), "crawl", "--data", str(Path(data_dir).resolve())]
    if registry:
        command += ["--portals", str(Path(registry).resolve())]
    return command


def crontab_line(command: list[str], hour: int, minute: int) -> str:
    """``crawl`` writes its own log under DATA/logs; cron mails only what reaches stderr (errors)."""
    return f"{minute} {hour} * * * {shlex.join(command)} >/dev/null {CRON_MARKER}"


def systemd_units(command: list[str], hour: int, minute: int, workdir) -> dict[str, str]:
    service = f"""[Unit]
Description=govarchive nightly crawl of government annual-report portals
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory={Path(workdir).resolve()}
ExecStart={shlex.join(command)}
# exit 1 means "finished with errors": the archive is usable, the journal has the details
SuccessExitStatus=1
Nice=10
"""
    timer = f"""[Unit]
Description=Run govarchive nightly crawl every day at {hour:02d}:{minute:02d}

[Timer]
OnCalendar=*-*-* {hour:02d}:{minute:02d}:00
RandomizedDelaySec=15min
Persistent=true

[Install]
WantedBy=timers.target
"""
    return {f"{UNIT_NAME}.service": service, f"{UNIT_NAME}.timer": timer}


def install_crontab(line: str) -> str:
    """Add ``line`` to the user's crontab, replacing an earlier govarchive line; return the new crontab."""
    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    kept = [entry for entry in current.stdout.splitlines() if CRON_MARKER not in entry] if current.returncode == 0 else []
    crontab = "\n".join([*kept, line]) + "\n"
    subprocess.run(["crontab", "-"], input=crontab, text=True, check=True)
    return crontab


def install_systemd_units(units: dict[str, str], unit_dir) -> list[Path]:
    unit_dir = Path(unit_dir)
    unit_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in units.items():
        path = unit_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
