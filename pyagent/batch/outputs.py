"""The files a batch writes, made safe: OUT, ``OUT.errors.jsonl`` and ``OUT.summary.json``.

>>> from pyagent.batch.outputs import Outputs                      # doctest: +SKIP
>>> with Outputs.claim(roster, out) as files:                      # checks, lock, temp files
...     files.out_file.write(...); files.err_file.write(...)
...     files.commit()                                             # rename into place
...     files.write_summary(text)                                  # written last

What it guarantees (README "Guarantees"):

* **Checked before any work**: OUT and its side files must not be the roster (by name, link
  or hard link), a directory or a special file (a device, a FIFO, a socket), nor a symlink to
  one; the directory must exist and be writable.  Each refusal is one `InputError` (exit 2).
* **One run per output**: a run holds an exclusive lock (``flock`` on ``.OUT.lock`` beside
  OUT) until it ends; a second run to the same OUT is refused with one message.  The lock
  dies with its process, even under kill -9, so a stale lock file never blocks.
* **Unique, exclusive temporary files** in OUT's directory (``.OUT.<random>.partial``,
  created with O_EXCL, so a symlink planted there is never followed); they are renamed over
  OUT and its errors file only when the run is done, and the summary, written last the same
  way, marks a complete run.  A rename replaces a symlink at OUT; it never writes through it.
  Temporary files left by a run that was killed are removed by the next run to that OUT.
* **I/O failures** (disk full, a read-only file system, an output removed under us) are one
  `OutputError` (exit 1); the temporary files are removed and OUT is left as it was.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from pyagent.errors import InputError, msg

__all__ = ["OutputError", "Outputs", "SideTable", "check_outputs", "side_files"]

_TEMP_NAME = re.compile(r"[a-z0-9_]{8}")  # what tempfile.mkstemp puts between prefix and suffix


class OutputError(Exception):
    """Writing the output failed (disk full, read-only, ...): one message, exit status 1."""

    def __init__(self, path: str, err: OSError | str) -> None:
        self.path = path
        reason = err if isinstance(err, str) else _reason(err)
        self.message = msg(
            "{p}: cannot write the output: {r}; nothing was written (its temporary "
            "files were removed)",
            "{p}：无法写出输出：{r}；未写出任何内容（其临时文件已删除）",
            p=_shown(path),
            r=reason,
        )
        super().__init__(str(self.message))

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (en, zh)."""
        return self.message.text(lang)


def _reason(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return msg("the disk is full", "磁盘已满")
    if err.errno == errno.EROFS:
        return msg("the file system is read-only", "文件系统为只读")
    if err.errno in (errno.EACCES, errno.EPERM):
        return msg("permission denied", "权限不足")
    if err.errno == errno.EFBIG:
        return msg("the file grew past the size this system allows", "文件超过本系统允许的大小")
    if err.errno == errno.EDQUOT:
        return msg("the disk quota is exceeded", "超出磁盘配额")
    plain = err.strerror or str(err)  # the system's own words: quoted apart under zh
    return msg("{r}", "系统原文：「{r}」", r=plain)


def _shown(path: object) -> str:
    """A path as printed: control characters escaped, so a name cannot drive the terminal."""
    text = str(path)
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def side_files(out: Path) -> tuple[Path, Path]:
    """The errors file and the summary file that go beside ``out``."""
    return out.with_name(out.name + ".errors.jsonl"), out.with_name(out.name + ".summary.json")


def _lock_path(out: Path) -> Path:
    return out.with_name("." + out.name + ".lock")


def _refuse(path: Path, en: str, zh: str, **values: object) -> InputError:
    return InputError(_shown(path), "", msg(en, zh, **values))


def check_outputs(
    roster: Path, out: Path, files: tuple[tuple[Path, str, str], ...] | None = None
) -> None:
    """Refuse, before any work, an OUT whose files would destroy the roster or another file.

    ``files``: (path, what, what in Chinese) of each file the run will write or lock; by
    default OUT, its errors and summary files and its lock file."""
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent_stat = os.stat(parent)
    except OSError:
        raise _refuse(
            out, "the directory {d} does not exist", "目录 {d} 不存在", d=_shown(parent)
        ) from None
    if not stat.S_ISDIR(parent_stat.st_mode):
        raise _refuse(out, "{d} is not a directory", "{d} 不是目录", d=_shown(parent))
    try:
        roster_stat = os.stat(roster)
    except OSError:
        roster_stat = None
    if files is None:
        errors, summary = side_files(out)
        files = (
            (out, "the output", "输出文件"),
            (errors, "the errors file", "错误文件"),
            (summary, "the summary file", "汇总文件"),
            (_lock_path(out), "the lock file", "锁文件"),
        )
    for path, what, what_zh in files:
        if path.name in (roster.name,) and path.parent.resolve() == roster.parent.resolve():
            raise _refuse(
                path,
                "{w} would be the roster itself; choose another output",
                "{wz}将覆盖名单本身；请另选输出文件",
                w=what,
                wz=what_zh,
            )
        try:
            link = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as err:
            raise _refuse(
                path,
                "cannot look at {w}: {r}",
                "无法查看{wz}：{r}",
                w=what,
                wz=what_zh,
                r=_reason(err),
            ) from None
        try:
            target = os.stat(path)
        except OSError:
            target = link  # a dangling symlink: renaming over it is harmless
        if roster_stat is not None and (target.st_dev, target.st_ino) == (
            roster_stat.st_dev,
            roster_stat.st_ino,
        ):
            raise _refuse(
                path,
                "{w} is the roster itself; choose another output",
                "{wz}就是名单本身；请另选输出文件",
                w=what,
                wz=what_zh,
            )
        if stat.S_ISDIR(target.st_mode):
            raise _refuse(
                path,
                "{w} is a directory; give a file name",
                "{wz}是目录；请给出文件名",
                w=what,
                wz=what_zh,
            )
        if not stat.S_ISREG(target.st_mode):
            raise _refuse(
                path,
                "{w} is a special file (a device, FIFO or socket), not a regular "
                "file; choose another output",
                "{wz}是特殊文件（设备、管道或套接字），不是普通文件；请另选输出文件",
                w=what,
                wz=what_zh,
            )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _refuse(
            out,
            "cannot write in the directory {d} (read-only or no permission)",
            "无法在目录 {d} 中写入（只读或无权限）",
            d=_shown(parent),
        )


class Outputs:
    """One run's claim on OUT: the lock, the temporary files, and putting them in place."""

    def __init__(self, roster: Path, out: Path) -> None:
        self.roster = roster
        self.out = out
        self.errors, self.summary = side_files(out)
        self.out_file: IO[str] | None = None
        self.err_file: IO[str] | None = None
        self._temps: list[Path] = []
        self._lock_fd: int | None = None
        self._done = False

    # -- claiming ----------------------------------------------------------------------
    @classmethod
    def claim(cls, roster: str | Path, out: str | Path) -> Outputs:
        """Check OUT, take its lock and open the temporary files, or raise InputError."""
        self = cls(Path(roster), Path(out))
        check_outputs(self.roster, self.out)
        self._lock()
        try:
            self._sweep()
            self.out_file = self._temp()
            self.err_file = self._temp()
        except BaseException:
            self.discard()
            raise
        return self

    def _lock(self) -> None:
        import fcntl

        path = _lock_path(self.out)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        for _ in range(20):
            try:
                fd = os.open(path, flags, 0o644)
            except OSError as err:
                raise _refuse(
                    self.out,
                    "cannot create the lock file {p}: {r}",
                    "无法创建锁文件 {p}：{r}",
                    p=_shown(path),
                    r=_reason(err),
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise _refuse(
                    self.out,
                    "another pyagent batch is writing this output; wait for "
                    "it to finish or choose another output",
                    "另一个 pyagent batch 正在写入此输出；请等待其结束或另选输出文件",
                ) from None
            try:  # the file may have been removed by the run that held it: lock the one in place
                same = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock_fd = fd
                return
            os.close(fd)
        raise _refuse(self.out, "cannot take the lock of this output", "无法锁定此输出")

    def _sweep(self) -> None:
        """Remove the temporary files of runs that were killed (we hold the lock: none is live)."""
        prefix = "." + self.out.name + "."
        try:
            names = os.listdir(self.out.parent if str(self.out.parent) else ".")
        except OSError:
            return
        try:
            roster = os.stat(self.roster)
        except OSError:
            roster = None
        for name in names:
            if not (name.startswith(prefix) and name.endswith(".partial")):
                continue
            if not _TEMP_NAME.fullmatch(name[len(prefix) : -len(".partial")]):
                continue
            path = self.out.parent / name
            try:
                found = os.lstat(path)
                if roster is not None and (found.st_dev, found.st_ino) == (
                    roster.st_dev,
                    roster.st_ino,
                ):
                    continue  # never the roster, whatever its name
                path.unlink()
            except OSError:
                pass

    def _temp(self) -> IO[str]:
        try:
            fd, name = tempfile.mkstemp(
                prefix="." + self.out.name + ".",
                suffix=".partial",
                dir=self.out.parent if str(self.out.parent) else ".",
            )
        except OSError as err:
            raise _refuse(
                self.out,
                "cannot write in the directory {d}: {r}",
                "无法在目录 {d} 中写入：{r}",
                d=_shown(self.out.parent or "."),
                r=_reason(err),
            ) from None
        self._temps.append(Path(name))
        try:
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; OUT gets the usual mode
        except OSError:
            pass
        return os.fdopen(fd, "w", encoding="utf-8", newline="")

    # -- finishing ---------------------------------------------------------------------
    def commit(self, convert: Callable[[Path, Path], None] | None = None) -> None:
        """Flush the temporary files to disk and rename them over OUT and its errors file.

        ``convert(written, final)``, when given, makes OUT's content (e.g. a CSV or xlsx
        table) at the temporary path ``final`` from what was written.
        """
        assert self.out_file is not None and self.err_file is not None
        try:
            for handle in (self.out_file, self.err_file):
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()
            if convert is not None:
                self._temp().close()
                convert(self._temps[0], self._temps[-1])
                self._temps[0].unlink()
                self._temps[0] = self._temps.pop()
            self.summary.unlink(missing_ok=True)  # the old summary no longer describes OUT
            os.replace(self._temps[0], self.out)
            os.replace(self._temps[1], self.errors)
        except OSError as err:
            raise OutputError(str(self.out), err) from None
        self._temps = self._temps[2:]

    def write_summary(self, text: str) -> None:
        """The summary, written last (it marks a complete run)."""
        handle = self._temp()
        try:
            with handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(self._temps[-1], self.summary)
        except OSError as err:
            raise OutputError(str(self.summary), err) from None
        self._temps.pop()
        self._done = True

    def discard(self) -> None:
        """Remove what this run wrote that is not in place, and release the lock."""
        for handle in (self.out_file, self.err_file):
            if handle is not None and not handle.closed:
                try:
                    handle.close()
                except OSError:
                    pass
        for path in self._temps:
            try:
                path.unlink()
            except OSError:
                pass
        self._temps = []
        self.release()

    def release(self) -> None:
        if self._lock_fd is not None:
            try:
                _lock_path(self.out).unlink()
            except OSError:
                pass
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None

    def write_error(self, err: OSError) -> OutputError:
        """The one error for a failed write to a temporary file."""
        return OutputError(str(self.out), err)

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


class SideTable(Outputs):
    """A table written beside a batch's output (``--flips FILE``) with OUT's safety: checked
    before any work (not the roster, not OUT or one of its side files, not a directory or a
    special file), locked for the run (``.FILE.lock``), written to a temporary file of this run
    and renamed into place only when it is whole.

    >>> table = SideTable.claim(roster, flips, out, "the flips file", "翻转名单文件")  # doctest: +SKIP
    >>> table.write(lambda temp: write_table(temp, header, rows, fmt))               # doctest: +SKIP
    >>> table.discard()                                # in a finally: temporary file, lock
    """

    @classmethod
    def claim_beside(
        cls, roster: str | Path, path: str | Path, out: str | Path, what: str, what_zh: str
    ) -> SideTable:
        self = cls(Path(roster), Path(path))
        out = Path(out)
        taken = (out, *side_files(out), _lock_path(out))
        if any(_same_file(self.out, other) for other in taken):
            raise _refuse(
                self.out,
                "{w} would be the output or one of its side files; choose another name",
                "{wz}将覆盖输出文件或其附属文件；请另选文件名",
                w=what,
                wz=what_zh,
            )
        check_outputs(
            self.roster,
            self.out,
            ((self.out, what, what_zh), (_lock_path(self.out), "the lock file", "锁文件")),
        )
        return self._locked()

    @classmethod
    def claim_apart(
        cls, inputs: Sequence[str | Path], path: str | Path, what: str, what_zh: str
    ) -> SideTable:
        """A table written on its own (``diff --flips FILE``): checked before any work against
        every input (a case, a roster or a directory of pins is never overwritten), locked,
        written to a temporary file and renamed into place, as beside a batch's OUT."""
        first = Path(inputs[0]) if inputs else Path(".")
        self = cls(first, Path(path))
        files = ((self.out, what, what_zh), (_lock_path(self.out), "the lock file", "锁文件"))
        for source in inputs or (first,):
            check_outputs(Path(source), self.out, files)
            if Path(source).exists() and _same_file(self.out, Path(source)):
                raise _refuse(
                    self.out,
                    "{w} would be an input itself; choose another name",
                    "{wz}将覆盖输入文件本身；请另选文件名",
                    w=what,
                    wz=what_zh,
                )
        return self._locked()

    def _locked(self) -> SideTable:
        """Take the table's lock and sweep what an interrupted run left, or release and raise."""
        self._lock()
        try:
            self._sweep()
        except BaseException:
            self.discard()
            raise
        return self

    def write(self, fill: Callable[[Path], None]) -> None:
        """``fill(temp)`` writes the whole table to the temporary path ``temp``; it then takes
        the file's place.  An I/O failure is one `OutputError`; the file is left as it was."""
        self._temp().close()
        temp = self._temps[-1]
        try:
            fill(temp)
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temp, self.out)
        except OSError as err:
            raise OutputError(str(self.out), err) from None
        self._temps.pop()
        self._done = True


def _same_file(a: Path, b: Path) -> bool:
    """The same name once resolved, or the same file (a hard or symbolic link to it)."""
    try:
        if a.resolve() == b.resolve():
            return True
        return os.path.samefile(a, b)
    except OSError:
        return False
