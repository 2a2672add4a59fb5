// The quiz's view: draws the `state` the Python side computes and sends the learner's input back
// as actions (`{action: "check", chosen: [...]}`). It grades nothing and decides nothing.
//
// Author text in the state is sanitized HTML (set as innerHTML); everything else is set as text.
// Keys pressed inside the quiz stay inside it: JupyterLab must not turn an arrow key on an option
// into a move of the notebook's cell selection.

const KINDS = { flashcard, reflection, cloze, choice, order, match, explain };
let counter = 0;

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "html") node.innerHTML = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

function button(label, action, { primary = false, key = label, aria = null, disabled = false } = {}) {
  return h("button", {
    type: "button", class: primary ? "ld-button ld-primary" : "ld-button", "data-focus": key,
    "aria-label": aria, disabled, onclick: action,
  }, label);
}

const MARK_TEXT = { right: "✓", wrong: "✗", missed: "✓", close: "≈" };
const MARK_SAY = { right: "right", wrong: "wrong", missed: "the right answer, not chosen", close: "close enough" };

function mark(name) {
  if (!name) return null;
  return h("span", { class: "ld-mark" }, h("span", { "aria-hidden": "true", text: MARK_TEXT[name] }),
    h("span", { class: "ld-sr", text: ` (${MARK_SAY[name]})` }));
}

function feedback(card) {
  const box = h("div", { class: "ld-status", role: "status" });
  if (card.notice) box.append(h("p", { class: "ld-feedback ld-neutral", text: card.notice }));
  if (card.feedback) box.append(h("div", { class: `ld-feedback ld-${card.feedback.tone}`, html: card.feedback.html }));
  return box;
}

function prompt(html, id, cls = "ld-prompt") {
  return h("div", { class: cls, id, html });
}

// --- one function per kind: (card, ctx) -> nodes ----------------------------------------------

function rating(card, ctx) {
  const r = card.rating;
  if (!card.revealed) return null;
  const id = ctx.uid("rate");
  return h("div", { class: "ld-rating", role: "group", "aria-labelledby": id },
    h("p", { class: "ld-rating-question", id, text: r.question }),
    h("div", { class: "ld-rating-buttons" }, r.choices.map((c) =>
      h("button", {
        type: "button", class: `ld-button ld-rate ld-rate-${c.value}${r.chosen === c.value ? " ld-chosen" : ""}`,
        title: c.hint, "data-focus": `rate-${c.value}`, "aria-pressed": r.chosen === c.value ? "true" : null,
        disabled: card.answered, onclick: () => ctx.send("rate", { rating: c.value }),
      }, c.label))));
}

function flashcard(card, ctx) {
  return [
    h("p", { class: "ld-lead", text: card.lead }),
    prompt(card.prompt, ctx.uid("prompt")),
    card.revealed ? h("div", { class: "ld-answer", html: card.answer })
      : button(card.reveal_label, () => ctx.send("reveal"), { primary: true, key: "reveal" }),
    rating(card, ctx),
  ];
}

// The learner's own text: kept as a draft while typed, shown as sent once revealed.
function ownText(card, ctx, id, placeholder) {
  const area = h("textarea", {
    id, class: "ld-textarea", rows: 5, placeholder, "data-focus": "text",
    disabled: card.revealed, oninput: (e) => ctx.draft.set("text", e.target.value),
  });
  area.value = card.revealed ? card.text : (ctx.draft.get("text") ?? "");
  return area;
}

function reflection(card, ctx) {
  const id = ctx.uid("text");
  const area = ownText(card, ctx, id, "Write a few sentences…");
  return [
    prompt(card.prompt, ctx.uid("prompt")),
    card.previous ? h("div", { class: "ld-previous" }, h("p", { class: "ld-lead", text: "What you wrote last time" }),
      h("p", { class: "ld-previous-text", html: card.previous })) : null,
    h("label", { class: "ld-label", for: id, text: "Your answer" }), area,
    card.revealed ? h("div", { class: "ld-answer", html: card.answer })
      : button(card.reveal_label, () => ctx.send("reveal", { text: area.value }), { primary: true, key: "reveal" }),
    rating(card, ctx),
  ];
}

function cloze(card, ctx) {
  const inputs = [];
  const check = () => ctx.send("check", { typed: inputs.map((i) => i.value) });
  const rows = card.blanks.map((b, index) => {
    const id = ctx.uid(`blank${index}`);
    const input = h("input", {
      id, type: "text", class: `ld-input${b.mark ? ` ld-${b.mark}` : ""}`, placeholder: b.placeholder,
      autocomplete: "off", spellcheck: "false", "data-focus": `blank${index}`, disabled: card.answered,
      oninput: (e) => ctx.draft.set(`blank${index}`, e.target.value),
      onkeydown: (e) => { if (e.key === "Enter") { e.preventDefault(); check(); } },
    });
    input.value = card.answered ? b.value : (ctx.draft.get(`blank${index}`) ?? "");
    inputs.push(input);
    return h("div", { class: "ld-blank" }, h("label", { class: "ld-label", for: id, text: b.label }), input, mark(b.mark));
  });
  return [
    prompt(card.prompt, ctx.uid("prompt")),
    h("div", { class: "ld-blanks" }, rows),
    card.answered ? null : button("Check", check, { primary: true, key: "check" }),
    card.can_override ? button("I was right", () => ctx.send("override"), { key: "override" }) : null,
  ];
}

function choice(card, ctx) {
  const questionId = ctx.uid("question");
  const name = ctx.uid("option");
  const selected = () => [...group.querySelectorAll("input:checked")].map((i) => i.value);
  const rows = card.options.map((o) => {
    const input = h("input", {
      type: card.multi ? "checkbox" : "radio", name, value: o.id, class: "ld-option-input",
      "data-focus": `option-${o.id}`, disabled: card.answered,
      onchange: () => { ctx.draft.set("chosen", selected()); ctx.send("select", { chosen: selected() }); },
    });
    // What the learner has just clicked wins over a state drawn before that click arrived.
    const isSelected = card.answered || !ctx.draft.has("chosen") ? o.selected : ctx.draft.get("chosen").includes(o.id);
    input.checked = isSelected;
    const look = o.mark ? ` ld-${o.mark}` : (isSelected ? " ld-selected" : "");
    return h("label", { class: `ld-option${look}` },
      input, h("span", { class: "ld-option-text", html: o.html }), mark(o.mark));
  });
  const group = h("div", {
    class: "ld-options-group", role: card.multi ? "group" : "radiogroup", "aria-labelledby": questionId,
  }, rows);
  return [
    card.scenario ? h("div", { class: "ld-scenario" }, h("p", { class: "ld-lead", text: "Situation" }),
      h("div", { html: card.scenario })) : null,
    h("div", { class: "ld-prompt", id: questionId }, h("div", { html: card.question }),
      card.hint ? h("p", { class: "ld-lead", text: card.hint }) : null),
    group,
    card.answered ? null : button("Check", () => ctx.send("check", { chosen: selected() }), { primary: true, key: "check" }),
  ];
}

function order(card, ctx) {
  const last = card.rows.length - 1;
  const rows = card.rows.map((row, position) => {
    const text = h("span", { class: "ld-step-text", html: row.html });
    const plain = text.textContent;
    const move = (offset, dir) => () => ctx.send("move", { position, offset }, `move-${row.step}-${dir}`);
    return h("li", { class: `ld-step${row.mark ? ` ld-${row.mark}` : ""}` },
      h("span", { class: "ld-step-number", "aria-hidden": "true", text: `${position + 1}.` }), text, mark(row.mark),
      card.answered ? null : h("span", { class: "ld-step-moves" },
        button("↑", move(-1, "up"), { key: `move-${row.step}-up`, aria: `Move up: ${plain}`, disabled: position === 0 }),
        button("↓", move(1, "down"), { key: `move-${row.step}-down`, aria: `Move down: ${plain}`, disabled: position === last })));
  });
  return [
    prompt(card.prompt, ctx.uid("prompt")),
    h("ol", { class: "ld-order", "aria-label": "Steps, in your order" }, rows),
    card.answered ? null : button("Check", () => ctx.send("check"), { primary: true, key: "check" }),
  ];
}

// A select per row: Tab moves between rows, arrow keys (or typing) choose; its label is the left.
function match(card, ctx) {
  const selects = [];
  const value = (select) => (select.value === "" ? null : Number(select.value));
  const rows = card.rows.map((row, index) => {
    const id = ctx.uid(`pair${index}`);
    const select = h("select", {
      id, class: `ld-select${row.mark ? ` ld-${row.mark}` : ""}`, "data-focus": `pair${index}`, disabled: card.answered,
      onchange: (e) => ctx.draft.set(`pair${index}`, e.target.value),
    }, h("option", { value: "", text: "Choose…" }),
      card.rights.map((html, number) => {
        const option = h("option", { value: String(number) });
        option.textContent = h("span", { html }).textContent; // an <option> holds text only
        return option;
      }));
    const drafted = ctx.draft.get(`pair${index}`);
    select.value = card.answered || drafted === undefined ? (row.value === null ? "" : String(row.value)) : drafted;
    selects.push(select);
    return h("div", { class: `ld-pair${row.mark ? ` ld-${row.mark}` : ""}` },
      h("label", { class: "ld-left", for: id, html: row.left }), select, mark(row.mark));
  });
  const promptId = ctx.uid("prompt");
  return [
    prompt(card.prompt, promptId),
    h("div", { class: "ld-pairs", role: "group", "aria-labelledby": promptId }, rows),
    card.answered ? null : button("Check", () => ctx.send("check", { chosen: selects.map(value) }), { primary: true, key: "check" }),
  ];
}

function explain(card, ctx) {
  const id = ctx.uid("text");
  const area = ownText(card, ctx, id, "Explain it in your own words…");
  const nodes = [prompt(card.prompt, ctx.uid("prompt")), h("label", { class: "ld-label", for: id, text: "Your explanation" }), area];
  if (!card.revealed) {
    nodes.push(button(card.reveal_label, () => ctx.send("reveal", { text: area.value }), { primary: true, key: "reveal" }));
    return nodes;
  }
  const questionId = ctx.uid("rubric");
  const boxes = card.points.map((point, index) => {
    const input = h("input", {
      type: "checkbox", class: "ld-option-input", value: String(index), "data-focus": `point${index}`, disabled: card.answered,
      onchange: (e) => {
        ctx.draft.set(`point${index}`, e.target.checked);
        e.target.closest("label").classList.toggle("ld-selected", e.target.checked);
      },
    });
    input.checked = card.answered ? point.ticked : (ctx.draft.get(`point${index}`) ?? false);
    return h("label", { class: `ld-option${input.checked ? " ld-selected" : ""}` },
      input, h("span", { class: "ld-option-text", html: point.html }));
  });
  const ticked = () => boxes.map((label, index) => (label.querySelector("input").checked ? index : null)).filter((i) => i !== null);
  nodes.push(
    h("p", { class: "ld-rating-question", id: questionId, text: card.question }),
    h("div", { class: "ld-options-group", role: "group", "aria-labelledby": questionId }, boxes),
    card.answered ? null : button("Grade my explanation", () => ctx.send("grade", { ticked: ticked() }), { primary: true, key: "grade" }));
  return nodes;
}

// --- the quiz around the card ---------------------------------------------------------------

function header(state) {
  const parts = [];
  if (state.title) parts.push(h("p", { class: "ld-title", html: `Quiz: ${state.title}` }));
  const p = state.progress;
  if (p) {
    parts.push(h("div", { class: "ld-progress-row" },
      h("p", { class: "ld-progress", "aria-live": "polite", text: p.text }),
      h("div", { class: "ld-bar", "aria-hidden": "true" },
        h("div", { class: "ld-bar-fill", style: `width: ${(100 * (p.current - 1)) / p.total}%` }))));
  }
  if (state.origin) parts.push(h("p", { class: "ld-origin", text: `From the lesson: ${state.origin}` }));
  return h("div", { class: "ld-head" }, parts);
}

function summary(s, ctx) {
  const done = h("p", { class: "ld-progress", "aria-live": "polite" },
    h("strong", { text: `${s.missed.length ? "" : "✓ "}You got ${s.right} of ${s.total} right.` }));
  return h("div", { class: "ld-summary" }, done,
    s.missed.length ? [h("p", { text: "To practise again:" }),
      h("ul", {}, s.missed.map((m) => h("li", {}, h("span", { "aria-hidden": "true", text: "✗ " }), m)))]
      : h("p", { text: "Nothing to retry. Well done." }),
    s.retry_label ? button(s.retry_label, () => ctx.send("retry"), { primary: true, key: "retry" }) : null);
}

function draw(el, model, local) {
  const state = model.get("state") || {};
  const active = el.contains(document.activeElement) ? document.activeElement?.dataset?.focus : null;
  const card = state.card;
  if (card && card.key !== local.cardKey) { local.cardKey = card.key; local.draft = new Map(); }
  const ctx = {
    draft: local.draft,
    uid: (part) => `ld-${local.id}-${part}`,
    send: (action, data = {}, focus = null) => { local.focus = focus; model.send({ action, ...data }); },
  };
  const root = h("section", { class: "ld-quiz", "aria-label": state.title ? "Quiz" : "Quiz" }, header(state));
  if (state.resume) {
    root.append(h("div", { class: "ld-resume" }, h("p", { text: state.resume.text }),
      button("Practise again", () => ctx.send("practise"), { key: "practise" })));
  }
  if (state.save) {
    root.append(h("div", { class: "ld-feedback ld-wrong", role: "alert" },
      h("p", {}, h("strong", { text: "✗ " }), state.save.text),
      state.save.retry ? button("Save again", () => ctx.send("save"), { primary: true, key: "save" }) : null));
  }
  if (card) {
    root.append(h("div", { class: `ld-card ld-${card.kind}` }, KINDS[card.kind](card, ctx), feedback(card)));
    const after = [];
    if (state.next_review) after.push(h("p", { class: "ld-next-review", text: state.next_review }));
    if (state.next_label) after.push(button(state.next_label, () => ctx.send("next", {}, "first"), { primary: true, key: "next" }));
    root.append(h("div", { class: "ld-actions" }, after));
  } else if (state.summary) {
    root.append(summary(state.summary, ctx));
  }
  el.replaceChildren(root);
  restoreFocus(root, local.focus || active, card);
  local.focus = null;
}

function restoreFocus(root, key, card) {
  if (!key) return;
  const find = (k) => root.querySelector(`[data-focus="${k}"]:not([disabled])`);
  let target = find(key);
  if (!target && key.startsWith("move-")) target = find(key.endsWith("-up") ? key.replace(/-up$/, "-down") : key.replace(/-down$/, "-up"));
  if (!target && card?.answered) target = find("next") || find("override");
  if (!target && (key === "first" || key === "next" || key === "check" || key === "reveal")) {
    target = root.querySelector("input:not([disabled]), select:not([disabled]), textarea:not([disabled]), .ld-card button:not([disabled]), .ld-summary button");
  }
  if (!target) target = find("next") || root.querySelector("button:not([disabled])");
  target?.focus({ preventScroll: false });
}

function isShortcut(event) {
  return event.ctrlKey || event.metaKey || event.altKey;
}

// JupyterLab reads keys in the capture phase on the document, before the quiz sees them, and skips
// its shortcuts inside an element marked data-lm-suppress-shortcuts. A listener on the window runs
// earlier still: it marks the quiz for plain keys (arrows, Space, Enter belong to the quiz) and
// unmarks it for shortcuts with a modifier, so Ctrl+S still saves while a quiz has the focus.
function gateShortcuts() {
  if (window.__leaderdeckShortcutGate) return;
  window.__leaderdeckShortcutGate = true;
  window.addEventListener("keydown", (event) => {
    const host = event.target instanceof Element ? event.target.closest(".ld-quiz-host") : null;
    host?.toggleAttribute("data-lm-suppress-shortcuts", !isShortcut(event));
  }, true);
}

export default {
  render({ model, el }) {
    const local = { id: ++counter, cardKey: null, draft: new Map(), focus: null };
    el.classList.add("ld-quiz-host");
    gateShortcuts();
    // Keys typed in the quiz belong to the quiz; shortcuts with a modifier (Ctrl+S) go on to the page.
    for (const type of ["keydown", "keyup", "keypress"]) {
      el.addEventListener(type, (e) => { if (!isShortcut(e)) e.stopPropagation(); });
    }
    const redraw = () => draw(el, model, local);
    model.on("change:state", redraw);
    redraw();
    return () => model.off("change:state", redraw);
  },
};
