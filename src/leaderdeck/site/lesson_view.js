// The site's lesson view: its `notebooks/` page shown as `leaderdeck serve` shows a lesson, with
// only text and quizzes. Every cell runs as the page opens, code and the app's bars are hidden,
// cells cannot be edited or deleted, nothing is saved back, and a link to another lesson opens it
// in place. On any other page of the site (the notebooks at `lab/`) it only sends the site's
// service worker the files the page fetched before the worker was in control.
//
// It is a JupyterLab extension in one file: the build writes it as the `remoteEntry` of a
// prebuilt extension (a module federation container with one module, `./extension`), and it
// needs no shared module: the application object its plugin is activated with is enough.

(function () {
  const PAGE = "notebooks"; // `document.body.dataset.notebook` on the page this view takes over
  const PREPARING = "Preparing the quizzes…";
  const STYLE = `
    body.ld-lesson-view #top-panel-wrapper, body.ld-lesson-view #menu-panel-wrapper,
    body.ld-lesson-view .jp-NotebookPanel-toolbar, body.ld-lesson-view .jp-CodeCell .jp-Cell-inputWrapper,
    body.ld-lesson-view .jp-InputPrompt, body.ld-lesson-view .jp-OutputPrompt,
    body.ld-lesson-view .jp-Collapser, body.ld-lesson-view .jp-cell-toolbar,
    /* the output's prompt overlay (a click there collapses the output) lay over the quiz's left edge */
    body.ld-lesson-view .jp-OutputArea-promptOverlay,
    body.ld-lesson-view .jp-Notebook-footer, body.ld-lesson-view .ld-lab-only,
    body.ld-lesson-view .jp-mod-noOutputs.jp-CodeCell, body.ld-lesson-view .skip-link,
    body.ld-lesson-view a.jp-InternalAnchorLink { display: none !important; }
    body.ld-lesson-view .jp-Cell { padding: 0; }
    /* no ring round a cell: the page focuses the first one itself (a blue frame round the lesson's
       opening text), and a learner never selects a cell here; a quiz's own controls keep theirs */
    body.ld-lesson-view .jp-Notebook .jp-Cell.jp-mod-selected,
    body.ld-lesson-view .jp-Notebook .jp-Cell.jp-mod-active,
    body.ld-lesson-view .jp-Notebook .jp-Cell:focus { background: transparent; box-shadow: none !important;
      border-color: transparent !important; outline: none !important; }
    body.ld-lesson-view .jp-Notebook { max-width: 54em; margin: 0 auto; padding: 1.5em 1em 4em; }
    /* The notebook page shows a notebook as a raised sheet on a grey ground; in this view its
       margin above the sheet was a grey bar across the top of the lesson. */
    body.ld-lesson-view .jp-WindowedPanel-outer { background: var(--jp-layout-color0); }
    body.ld-lesson-view .jp-WindowedPanel-inner { margin-top: 0; margin-bottom: 0; }
    body.ld-lesson-view .jp-WindowedPanel-viewport { box-shadow: none; }
    body.ld-lesson-view .jp-RenderedHTMLCommon { max-width: 44em; font-size: 1rem; line-height: 1.55; }
    .ld-lesson-status { position: fixed; top: 0.5em; right: 1em; z-index: 10; padding: 0.3em 0.8em;
      border-radius: 4px; background: var(--jp-layout-color2); color: var(--jp-ui-font-color1);
      font: var(--jp-ui-font-size1) var(--jp-ui-font-family); }`;

  function notebookPanel(app) {
    return new Promise((resolve) => {
      const look = () => {
        const widget = app.shell.currentWidget;
        if (widget && widget.sessionContext && widget.content && widget.content.model) resolve(widget);
        else setTimeout(look, 50);
      };
      look();
    });
  }

  // Links between lessons open in this page (the notebook page would open a new tab).
  function openInPlace(event) {
    const link = event.target.closest && event.target.closest("a[href]");
    const name = link && decodeURIComponent(link.getAttribute("href")).split(/[?#]/)[0].split("/").pop();
    if (!name || !name.endsWith(".ipynb") || link.origin !== location.origin) return;
    event.preventDefault();
    event.stopPropagation();
    location.assign(`?path=${encodeURIComponent(name)}`);
  }

  // A double click would open a text cell's source for editing.
  function keepRendered(event) {
    if (event.target.closest && event.target.closest(".jp-MarkdownCell")) event.stopPropagation();
  }

  // The notebook's keyboard shortcuts (run, delete, insert, change a cell) act on cells this view
  // hides; keys typed into a quiz (inside an output) still reach it.
  function noShortcuts(event) {
    const target = event.target;
    if (target.closest && !target.closest(".jp-OutputArea") && !target.isContentEditable) event.stopPropagation();
  }

  function lockCells(model) {
    for (let i = 0; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      cell.setMetadata("editable", false);
      cell.setMetadata("deletable", false);
    }
  }

  function neverDirty(model) {
    // Nothing in this view is saved: no autosave, no "leave page?" question.
    model.dirty = false;
    model.stateChanged.connect((changed, change) => {
      if (change.name === "dirty" && change.newValue) changed.dirty = false;
    });
  }

  // The page's title is the lesson's (the notebook page would put its file name and its own name).
  function keepTitle(model) {
    let title = document.title;
    for (let i = 0; i < model.cells.length; i++) {
      const found = model.cells.get(i).sharedModel.getSource().match(/^#\s+(.+)$/m);
      if (found) { title = found[1].replace(/[*_`]/g, ""); break; }
    }
    const keep = () => { if (document.title !== title) document.title = title; };
    keep();
    new MutationObserver(keep).observe(document.head, { childList: true, subtree: true, characterData: true });
  }

  async function lessonView(app) {
    document.body.classList.add("ld-lesson-view");
    document.head.append(Object.assign(document.createElement("style"), { textContent: STYLE }));
    const status = Object.assign(document.createElement("div"),
      { className: "ld-lesson-status", textContent: PREPARING });
    status.setAttribute("role", "status");
    document.body.append(status);
    document.addEventListener("click", openInPlace, true);
    window.addEventListener("dblclick", keepRendered, true);
    window.addEventListener("keydown", noShortcuts, true);
    const panel = await notebookPanel(app);
    await panel.context.ready; // the notebook's cells are read
    app.shell.collapseTop(); // hidden through the layout, so the lesson starts at the top of the page
    app.shell.menu.setHidden(true);
    panel.toolbar.setHidden(true);
    const model = panel.content.model;
    lockCells(model);
    neverDirty(model);
    keepTitle(model);
    await panel.sessionContext.ready;
    const stayAtTop = keepAtTop(panel);
    const running = app.commands.execute("notebook:run-all-cells");
    panel.content.activeCellIndex = 0; // running all makes the last cell active
    panel.content.deselectAll();
    try {
      await running;
    } finally {
      stayAtTop();
      status.remove();
    }
  }

  // Running all cells scrolls the notebook to its last cell, and does so after the command
  // returns: the lesson opened at its last quiz. Until the cells have run, the lesson is held at
  // its top, unless the learner scrolls it (wheel, touch, keys, the scroll bar) in the meantime.
  // Returns the function that stops holding it.
  function keepAtTop(panel) {
    const outer = panel.node.querySelector(".jp-WindowedPanel-outer") || panel.content.node;
    let learner = false;
    const byLearner = () => { learner = true; };
    const holds = ["wheel", "touchstart", "keydown", "pointerdown"];
    const onScroll = () => { if (!learner && outer.scrollTop !== 0) outer.scrollTop = 0; };
    holds.forEach((type) => window.addEventListener(type, byLearner, true));
    outer.addEventListener("scroll", onScroll);
    outer.scrollTop = 0;
    return () => {
      holds.forEach((type) => window.removeEventListener(type, byLearner, true));
      outer.removeEventListener("scroll", onScroll);
    };
  }

  // On every page of the site: the files fetched before the site's service worker took control
  // (on a first visit) are sent to it to keep, so a second visit fetches nothing.
  async function keepEarlyFiles() {
    if (!navigator.serviceWorker) return;
    const worker = (await navigator.serviceWorker.ready).active;
    const urls = [location.href, ...performance.getEntriesByType("resource").map((entry) => entry.name)];
    if (worker) worker.postMessage({ leaderdeck: "keep", urls });
  }

  const plugin = {
    id: "leaderdeck-lesson-view:plugin",
    description: "Shows the notebook page as a lesson: text and quizzes, no code.",
    autoStart: true,
    activate: (app) => {
      void app.restored.then(keepEarlyFiles);
      if (document.body.dataset.notebook === PAGE) void lessonView(app);
    },
  };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB["leaderdeck-lesson-view"] = {
    init: () => Promise.resolve(),
    get: (module) => module === "./extension"
      ? Promise.resolve(() => [plugin])
      : Promise.reject(new Error(`leaderdeck-lesson-view has no module ${module}`)),
  };
})();
