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
    command = _govarchive("crawl", data_dir)
    if registry:
        command += ["--portals", str(Path(registry).resolve())]
    return command


def alerts_command(data_dir) -> list[str]:
    """What the night's alert check changed (``govarchive alerts --last``): prints nothing when nothing did."""
    return [*_govarchive("alerts", data_dir), "--last"]


def _govarchive(command: str, data_dir) -> list[str]:
    """``govarchive COMMAND --data DATA`` with this installation's govarchive and an absolute path."""
    return [str(Path(sys.executable).with_name("govarchive")), command, "--data", str(Path(data_dir).resolve())]


def crontab_line(command: list[str], hour: int, minute: int, mailto: str | None = None,
                 alerts: list[str] | None = None) -> str:
    """``crawl`` writes its own log under DATA/logs; cron mails only what reaches stderr (errors).

    With ``mailto``, the job is preceded by a ``MAILTO=`` line (under a marked comment, so that
    :func:`install_crontab` can replace it) and followed by ``alerts``, whose output cron mails there:
    the reports newly overdue and the alerts closed, nothing on a night that changed nothing."""
    job = f"{shlex.join(command)} >/dev/null"
    if not mailto:
        return f"{minute} {hour} * * * {job} {CRON_MARKER}"
    if alerts:
        job += f"; {shlex.join(alerts)}"
    return (f"{CRON_MARKER}: missing-report alerts mailed by cron\nMAILTO={mailto}\n"
            f"{minute} {hour} * * * {job} {CRON_MARKER}")


def _without_ours(lines: list[str]) -> list[str]:
    """A crontab without the lines :func:`crontab_line` wrote: marked lines, and a MAILTO line after one."""
    kept, previous = [], ""
    for entry in lines:
        if CRON_MARKER not in entry and not (entry.startswith("MAILTO=") and CRON_MARKER in previous):
            kept.append(entry)
        previous = entry
    return kept


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
    kept = _without_ours(current.stdout.splitlines()) if current.returncode == 0 else []
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
