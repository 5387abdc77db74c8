// @ts-check
/**
 * The studio's small client module: the YAML editor, the command bar's history and the
 * inspector trigger. Everything it enhances works without it (a textarea, plain forms).
 *
 * - Mounts CodeMirror 6 (static/vendor/codemirror/, loaded on demand) on `textarea[data-editor]`
 *   and keeps the textarea in sync, so htmx (and a plain form post) submit the editor's text.
 * - After an Apply, marks each `[data-error-line]` of the result ON its line, with the API
 *   server's message under it; "line N" buttons jump there. The text is never replaced.
 * - A `select[data-snippet-select]` inserts a starter manifest from `template[data-snippet]`.
 * - The command bar remembers commands (↑/↓), keeps the console scrolled to the newest answer.
 * - A `cluster:select` event from the picture opens the object in the inspector.
 * User text only ever reaches the DOM through textContent.
 */

const CODEMIRROR = new URL("../vendor/codemirror/codemirror-6.min.js", import.meta.url).href;
const HISTORY_KEY = "kubelearn.studio.history";
const HISTORY_MAX = 100;
const SWAP_ON_STATUS = [400, 413, 429];

/** @typedef {{line: number, message: string}} LineError */

/** @type {{ setErrors(errors: LineError[]): void, gotoLine(line: number): void, getText(): string, setText(text: string): void } | null} */
let editor = null;

/** @param {HTMLTextAreaElement} textarea */
function textareaEditor(textarea) {
  return {
    /** @param {LineError[]} _errors */
    setErrors(_errors) {},
    /** @param {number} line */
    gotoLine(line) {
      const lines = textarea.value.split("\n");
      const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
      textarea.focus();
      textarea.setSelectionRange(start, start + (lines[line - 1] || "").length);
    },
    getText: () => textarea.value,
    /** @param {string} text */
    setText(text) {
      textarea.value = text;
    },
  };
}

/**
 * @param {HTMLTextAreaElement} textarea
 * @param {any} cm the CodeMirror bundle's exports
 */
function codeMirrorEditor(textarea, cm) {
  const setErrors = cm.StateEffect.define();

  class ErrorWidget extends cm.WidgetType {
    /** @param {string} message */
    constructor(message) {
      super();
      this.message = message;
    }
    /** @param {ErrorWidget} other */
    eq(other) {
      return other.message === this.message;
    }
    toDOM() {
      const box = document.createElement("div");
      box.className = "cm-error-widget";
      box.setAttribute("role", "note");
      box.textContent = this.message;
      return box;
    }
  }

  /** @param {any} state @param {LineError[]} errors */
  function decorations(state, errors) {
    const ranges = [];
    for (const error of errors) {
      const line = state.doc.line(Math.min(Math.max(1, error.line), state.doc.lines));
      ranges.push(cm.Decoration.line({ class: "cm-error-line", attributes: { "data-error-line": String(line.number) } }).range(line.from));
      ranges.push(cm.Decoration.widget({ widget: new ErrorWidget(error.message), block: true, side: 1 }).range(line.to));
    }
    return cm.Decoration.set(ranges, true);
  }

  const errorField = cm.StateField.define({
    create: () => cm.Decoration.none,
    /** @param {any} value @param {any} tr */
    update(value, tr) {
      value = value.map(tr.changes);
      for (const effect of tr.effects) if (effect.is(setErrors)) value = decorations(tr.state, effect.value);
      return value;
    },
    /** @param {any} field */
    provide: (field) => cm.EditorView.decorations.from(field),
  });

  const form = textarea.form;
  const submit = () => {
    form?.requestSubmit();
    return true;
  };
  const host = document.createElement("div");
  host.className = "editor-host";
  textarea.after(host);
  const view = new cm.EditorView({
    parent: host,
    state: cm.EditorState.create({
      doc: textarea.value,
      extensions: [
        cm.lineNumbers(),
        cm.highlightActiveLine(),
        cm.highlightActiveLineGutter(),
        cm.EditorView.lineWrapping,
        cm.history(),
        cm.indentUnit.of("  "),
        cm.yaml(),
        cm.syntaxHighlighting(cm.defaultHighlightStyle),
        errorField,
        cm.keymap.of([
          { key: "Mod-Enter", run: submit },
          { key: "Enter", run: cm.insertNewlineAndIndent },
          { key: "Tab", run: cm.indentMore, shift: cm.indentLess },
          ...cm.historyKeymap,
        ]),
        cm.EditorView.contentAttributes.of({ "aria-labelledby": textarea.getAttribute("aria-labelledby") || "" }),
        cm.EditorView.updateListener.of((/** @type {any} */ update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    }),
  });
  textarea.hidden = true;
  return {
    /** @param {LineError[]} errors */
    setErrors(errors) {
      view.dispatch({ effects: setErrors.of(errors) });
    },
    /** @param {number} line */
    gotoLine(line) {
      const target = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
      view.dispatch({ selection: { anchor: target.from, head: target.to }, scrollIntoView: true });
      view.focus();
    },
    getText: () => view.state.doc.toString(),
    /** @param {string} text */
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
  };
}

/** @param {HTMLTextAreaElement} textarea */
async function mountEditor(textarea) {
  editor = textareaEditor(textarea);
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      textarea.form?.requestSubmit();
    }
  });
  try {
    editor = codeMirrorEditor(textarea, await import(CODEMIRROR));
    document.documentElement.dataset.editor = "codemirror";
    const result = document.getElementById("apply-result");
    if (result) showApplyErrors(result); // a full-page (no htmx) Apply rendered its outcome already
  } catch (error) {
    console.warn("kubelearn: the plain editor stays in place", error); // the textarea still works
  }
}

/** @param {Element} result the swapped-in #apply-result */
function showApplyErrors(result) {
  /** @type {LineError[]} */
  const errors = [];
  for (const el of result.querySelectorAll("[data-error-line]")) {
    const line = Number(el.getAttribute("data-error-line"));
    if (line > 0) errors.push({ line, message: el.getAttribute("data-error-message") || "" });
  }
  editor?.setErrors(errors);
}

/** @param {HTMLSelectElement} select */
function mountSnippets(select) {
  select.addEventListener("change", () => {
    const template = /** @type {HTMLTemplateElement | null} */ (document.querySelector(`template[data-snippet="${CSS.escape(select.value)}"]`));
    if (!template || !editor) return;
    const snippet = (template.content.textContent || "").replace(/^\n/, "");
    const current = editor.getText().trim();
    editor.setText(current ? `${current}\n---\n${snippet}` : snippet);
    editor.setErrors([]);
    select.value = "";
  });
}

/** @param {HTMLInputElement} input */
function mountHistory(input) {
  /** @type {string[]} */
  let history = [];
  try {
    history = JSON.parse(sessionStorage.getItem(HISTORY_KEY) || "[]");
  } catch {
    history = [];
  }
  let position = history.length;
  input.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    position = Math.min(history.length, Math.max(0, position + (event.key === "ArrowUp" ? -1 : 1)));
    input.value = history[position] ?? "";
    input.setSelectionRange(input.value.length, input.value.length);
  });
  input.form?.addEventListener("htmx:afterRequest", (event) => {
    const line = input.value.trim();
    if (!(/** @type {CustomEvent} */ (event).detail.successful) || !line) return;
    if (history[history.length - 1] !== line) history.push(line);
    history = history.slice(-HISTORY_MAX);
    position = history.length;
    input.value = "";
    try {
      sessionStorage.setItem(HISTORY_KEY, JSON.stringify(history));
    } catch {
      /* private mode: history lasts for this page only */
    }
  });
}

/** @param {HTMLElement} studio */
function mountInspector(studio) {
  const url = studio.dataset.inspectUrl || "";
  studio.addEventListener("cluster:select", (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail || {};
    const query = new URLSearchParams({ kind: detail.kind || "", namespace: detail.namespace || "", name: detail.name || "" });
    // @ts-ignore htmx is the vendored global
    window.htmx?.ajax("GET", `${url}?${query}`, { target: "#inspector", swap: "innerHTML" });
  });
}

function clockText(/** @type {number} */ seconds) {
  const s = Math.floor(seconds);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Keep the replay slider's end at "now"; a slider resting at the end moves with it. */
function followNow() {
  const now = document.getElementById("timeline")?.dataset.now;
  const range = /** @type {HTMLInputElement | null} */ (document.getElementById("replay-t"));
  if (!now || !range) return;
  const atEnd = range.value === range.max;
  range.max = now;
  if (atEnd) {
    range.value = now;
    if (range.nextElementSibling) range.nextElementSibling.textContent = clockText(Number(now));
  }
}

function init() {
  const studio = /** @type {HTMLElement | null} */ (document.getElementById("studio"));
  if (!studio) return;
  const textarea = /** @type {HTMLTextAreaElement | null} */ (studio.querySelector("textarea[data-editor]"));
  if (textarea) mountEditor(textarea);
  const select = /** @type {HTMLSelectElement | null} */ (studio.querySelector("select[data-snippet-select]"));
  if (select) mountSnippets(select);
  const input = /** @type {HTMLInputElement | null} */ (studio.querySelector("input[data-history]"));
  if (input) mountHistory(input);
  mountInspector(studio);

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail;
    if (SWAP_ON_STATUS.includes(detail.xhr.status)) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = /** @type {HTMLElement} */ (/** @type {CustomEvent} */ (event).detail.target);
    const result = document.getElementById("apply-result");
    if (result && target.id === "apply-result") showApplyErrors(result);
    if (target.id === "console") {
      target.querySelector(".console-hint")?.remove();
      target.scrollTop = target.scrollHeight;
    }
    const list = document.querySelector("[data-timeline]");
    if (list) list.scrollLeft = list.scrollWidth;
    if (target.id === "timeline") followNow();
  });
  studio.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("[data-goto-line]");
    if (button) editor?.gotoLine(Number(button.getAttribute("data-goto-line")));
  });
  studio.addEventListener("input", (event) => {
    const range = /** @type {HTMLInputElement} */ (event.target);
    if (range.id === "replay-t" && range.nextElementSibling) range.nextElementSibling.textContent = clockText(Number(range.value));
  });
  const list = document.querySelector("[data-timeline]");
  if (list) list.scrollLeft = list.scrollWidth;
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
