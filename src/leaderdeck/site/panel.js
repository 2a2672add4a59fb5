// The site's progress panel: asks the browser to keep the site's storage, downloads the progress
// store (or the Anki package) the kernel sends, and uploads a store file to merge. Python decides; this draws `state`.

function h(tag, attrs = {}, ...children) {
  const node = Object.assign(document.createElement(tag), attrs);
  node.append(...children);
  return node;
}

export default {
  async render({ model, el }) {
    const persist = h("p", { className: "ld-persist", role: "status" });
    const message = h("p", { className: "ld-exchange-message", role: "status" });
    const download = h("button", { type: "button", className: "ld-button", textContent: "Download your progress" });
    const anki = h("button", { type: "button", className: "ld-button", textContent: "Download for Anki" });
    const upload = h("input", { type: "file", accept: ".sqlite3,.db", className: "ld-upload" });
    const label = h("label", { className: "ld-upload-label" }, "Merge progress from a file: ", upload);
    const draw = () => {
      const state = model.get("state");
      persist.textContent = state.persist;
      message.textContent = state.message;
      upload.disabled = !state.writer;
    };
    download.addEventListener("click", () => model.send({ action: "download" }));
    anki.addEventListener("click", () => model.send({ action: "anki" }));
    upload.addEventListener("change", async () => {
      const file = upload.files[0];
      if (file) model.send({ action: "import", name: file.name }, undefined, [await file.arrayBuffer()]);
      upload.value = "";
    });
    model.on("msg:custom", (msg, buffers) => {
      if (msg.action !== "file") return;
      const link = h("a", { href: URL.createObjectURL(new Blob(buffers)), download: msg.name });
      el.append(link);
      link.click();
      link.remove();
    });
    model.on("change:state", draw);
    el.replaceChildren(h("div", { className: "ld-progress-panel" }, persist, h("p", {}, download, " ", anki), label, message));
    draw();
    const granted = navigator.storage?.persist ? await navigator.storage.persist() : false;
    model.send({ action: "persisted", granted });
  },
};
