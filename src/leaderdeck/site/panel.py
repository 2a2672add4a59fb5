"""The start page's progress panel in the site: persistent storage, download and upload.

The browser is asked to keep the site's storage (`navigator.storage.persist()`, which only a page
may ask, so the panel's front end asks and reports); the learner is told when it refused. The
download is a snapshot of the store (`exchange.snapshot`); an uploaded store is merged
(`exchange.merge_store`), and only in the tab that saves (see `browser`). "Download for Anki"
builds the learner's personal Anki package here, in Pyodide (`deck_file.personal_package`).
"""

from __future__ import annotations

import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import LeaderdeckError
from .exchange import DOWNLOAD_NAME, merge_summary, snapshot

KEPT = "Your browser keeps this site's storage: your progress is not cleared to free space."
REFUSED = ("Your browser did not promise to keep this site's storage: it may clear your progress when "
           "space runs low. Download your progress now and then (or bookmark or install the site, "
           "which makes browsers more willing).")


ANKI_ADVICE = ("import it in Anki (File → Import) with 'Import any learning progress' and 'Import deck "
               "presets' on, then turn FSRS on in the deck's options (see the README: Notebook → Anki).")


@cache
def panel_class() -> type:
    import anywidget
    import traitlets

    class ProgressPanelWidget(anywidget.AnyWidget):
        _esm = resources.files(__package__).joinpath("panel.js").read_text(encoding="utf-8")
        state = traitlets.Dict().tag(sync=True)

    return ProgressPanelWidget


class ProgressPanel:
    """Displays as its widget; `act(action, buffers, **data)` is the one way in, as in `QuizView`."""

    def __init__(self, store: Path, writer: bool):
        self.store, self.writer = store, writer
        self.widget = panel_class()()
        self.widget.on_msg(self._on_message)
        self.state: dict[str, Any] = {"persist": "", "message": "", "writer": writer}
        self._publish()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _on_message(self, _widget: Any, content: dict[str, Any], buffers: list[bytes]) -> None:
        data = dict(content)
        self.act(str(data.pop("action", "")), [bytes(b) for b in buffers], **data)

    def act(self, action: str, buffers: list[bytes], **data: Any) -> None:
        if action == "persisted":
            self.state["persist"] = KEPT if data.get("granted") else REFUSED
        elif action == "download":
            self.download()
        elif action == "anki":
            self.download_anki()
        elif action == "import" and buffers:
            self.state["message"] = self.merge(buffers[0], str(data.get("name", "the file")))
        self._publish()

    def download(self) -> None:
        if not self.store.exists():
            self.state["message"] = "Nothing to download yet: answer a quiz first."
            return
        self.widget.send({"action": "file", "name": DOWNLOAD_NAME}, buffers=[snapshot(self.store)])
        self.state["message"] = f"Downloaded {DOWNLOAD_NAME}: merge it on the desktop with `leaderdeck` (see README)."

    def download_anki(self) -> None:
        from ..progress.api import local_now, shared_store
        from .deck_file import personal_package, shipped_deck

        try:
            name, data = personal_package(shipped_deck(), shared_store(self.store), local_now())
        except LeaderdeckError as error:
            self.state["message"] = f"No Anki package: {error}"
            return
        self.widget.send({"action": "file", "name": name}, buffers=[data])
        self.state["message"] = f"Downloaded {name}: {ANKI_ADVICE}"

    def merge(self, data: bytes, name: str) -> str:
        if not self.writer:
            return "Not merged: this tab is read-only (the course is open in another tab)."
        from ..progress.api import shared_store

        with tempfile.TemporaryDirectory() as folder:
            upload = Path(folder) / "upload.sqlite3"
            upload.write_bytes(data)
            try:
                summary = merge_summary(upload, shared_store(self.store))
            except LeaderdeckError as error:  # it names the kernel's copy, which the learner never saw
                return f"Not merged: {str(error).replace(str(upload), name)}"
        added = summary.added
        message = f"Merged {name}: {added} review{'s' * (added != 1)} added, {summary.present} already here."
        if summary.future:
            was = "was" if summary.future == 1 else "were"
            message += (f" {summary.future} dated more than a day in the future {was} skipped: check the clock of "
                        "the device that made them.")
        return message

    def _publish(self) -> None:
        self.widget.state = dict(self.state)
