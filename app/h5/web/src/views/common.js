// Pieces every view uses: fields with their errors beside them, problem notices, headings that
// take the focus when a view opens, and the labels of the API's codes.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n.js";

let fieldCount = 0;

/** An id unique on the page, stable for the component's life. */
export function useId(prefix) {
  const id = useRef(null);
  if (id.current === null) {
    fieldCount += 1;
    id.current = `${prefix}-${fieldCount}`;
  }
  return id.current;
}

/**
 * A labelled control with its hint and its error next to it. `control` receives the props the
 * input needs (id, aria-describedby, aria-invalid).
 */
export function Field({ label, hint, error, control, name }) {
  const id = useId(name || "field");
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return html`
    <div class="field ${error ? "field_invalid" : ""}" data-field=${name}>
      <label class="field__label" for=${id}>${label}</label>
      ${control({ id, "aria-describedby": describedBy, "aria-invalid": error ? "true" : undefined })}
      ${hint && html`<p class="field__hint" id=${hintId}>${hint}</p>`}
      ${error && html`<p class="field__error" id=${errorId}>${error}</p>`}
    </div>
  `;
}

/**
 * A problem the API answered, said in the page's language. When it names fields, their messages
 * show at the fields and this says only to look there.
 */
export function ProblemNotice({ problem, children }) {
  if (!problem) return null;
  const atFields = Object.keys(problem.errors || {}).length > 0;
  return html`
    <div class="notice notice_problem" role="alert">
      <p>
        <strong>${problem.title || t("problem_prefix")}</strong>
        ${" "}${atFields ? t("check_fields") : problem.message}
      </p>
      ${children}
    </div>
  `;
}

export function Notice({ children }) {
  return html`<p class="notice" role="status">${children}</p>`;
}

/** The view's heading; it takes the focus when the view opens, so readers start there. */
export function ViewHeading({ children }) {
  const heading = useRef(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: false });
  }, []);
  return html`<h1 class="view__title" tabindex="-1" ref=${heading}>${children}</h1>`;
}

/** Run an async action from a button: its busy state, and the problem it met. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  async function run(action) {
    setBusy(true);
    setProblem(null);
    try {
      return await action();
    } catch (error) {
      setProblem(error);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, problem, run, setProblem };
}

/** Data loaded for a view, again whenever one of `keys` changes. */
export function useLoaded(load, keys) {
  const [state, setState] = useState({ value: null, problem: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((before) => ({ ...before, loading: true, problem: null }));
    load().then(
      (value) => current && setState({ value, problem: null, loading: false }),
      (problem) => current && setState({ value: null, problem, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...keys, round]);
  return { ...state, reload: () => setRound((n) => n + 1) };
}

export function Loading() {
  return html`<p class="loading" role="status">${t("loading")}</p>`;
}

/** "布洛芬 10 片" for an item of a post. */
export function itemText(item) {
  return `${item.medicine.name} ${item.quantity} ${item.unit_label}`;
}

export function kindLabel(kind) {
  return t(kind === "need" ? "need" : "offer");
}
