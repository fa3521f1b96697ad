// Finding a medicine in the catalog as people type it: part of its name, its pinyin, or the
// start of its initials (blf finds 布洛芬); GET /medicines?q= does the matching.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { t } from "../i18n.js";
import { Field } from "./common.js";

const TYPING_PAUSE_MS = 250;
const SUGGESTIONS_SHOWN = 8;

export function MedicineSearch({ label, onPick, error, name, hint = t("medicine_hint") }) {
  const [text, setText] = useState("");
  const [found, setFound] = useState([]);

  useEffect(() => {
    const query = text.trim();
    if (!query) {
      setFound([]);
      return undefined;
    }
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const medicines = await api("/medicines", { query: { q: query } });
        if (current) setFound(medicines.slice(0, SUGGESTIONS_SHOWN));
      } catch {
        if (current) setFound([]);
      }
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text]);

  function pick(medicine) {
    onPick(medicine);
    setText("");
    setFound([]);
  }

  return html`
    <div class="medicine-search">
      <${Field}
        label=${label}
        hint=${hint}
        error=${error}
        name=${name}
        control=${(props) => html`
          <input
            ...${props}
            class="field__control"
            type="search"
            autocomplete="off"
            value=${text}
            onInput=${(event) => setText(event.currentTarget.value)}
          />
        `}
      />
      ${found.length > 0 &&
      html`
        <ul class="suggestions" aria-label=${t("medicine_suggestions")}>
          ${found.map(
            (medicine) => html`
              <li key=${medicine.code}>
                <button type="button" class="suggestion" onClick=${() => pick(medicine)}>
                  ${medicine.name}
                  <span class="suggestion__pinyin" lang="zh-Latn">${medicine.pinyin}</span>
                </button>
              </li>
            `,
          )}
        </ul>
      `}
    </div>
  `;
}
