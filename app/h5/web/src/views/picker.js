// Choosing a province, then a city, then a district (GB/T 2260, from GET /districts): where a
// reader who shares no location stands, or the area the square is narrowed to.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { t } from "../i18n.js";
import { ProblemNotice, useId } from "./common.js";

const LEVEL_LABELS = ["province", "city", "district"];

export function DistrictPicker({ legend, onChoose, onCancel, chooseLabel }) {
  const [levels, setLevels] = useState([]);
  const [problem, setProblem] = useState(null);
  const id = useId("picker");

  async function open(depth, parent) {
    try {
      const options = await api("/districts", { query: { parent } });
      setLevels((before) => {
        const kept = before.slice(0, depth);
        return options.length ? [...kept, { options, selected: "" }] : kept;
      });
    } catch (error) {
      setProblem(error);
    }
  }

  useEffect(() => {
    open(0, undefined);
  }, []);

  function choose(depth, code) {
    setLevels((before) =>
      before.slice(0, depth + 1).map((level, at) => (at === depth ? { ...level, selected: code } : level)),
    );
    if (code) open(depth + 1, code);
  }

  const chosen = [...levels].reverse().find((level) => level.selected);
  const chosenDistrict = chosen?.options.find((option) => option.code === chosen.selected);

  return html`
    <fieldset class="picker">
      <legend>${legend}</legend>
      <${ProblemNotice} problem=${problem} />
      ${levels.map(
        (level, depth) => html`
          <div class="field" key=${depth}>
            <label class="field__label" for=${`${id}-${depth}`}>
              ${t(LEVEL_LABELS[Math.min(depth, LEVEL_LABELS.length - 1)])}
            </label>
            <select
              id=${`${id}-${depth}`}
              class="field__control"
              value=${level.selected}
              onChange=${(event) => choose(depth, event.currentTarget.value)}
            >
              <option value="">${t("any")}</option>
              ${level.options.map(
                (option) => html`<option value=${option.code}>${option.name}</option>`,
              )}
            </select>
          </div>
        `,
      )}
      <div class="actions">
        <button
          type="button"
          class="weui-btn weui-btn_mini weui-btn_primary"
          disabled=${!chosenDistrict}
          onClick=${() => onChoose(chosenDistrict)}
        >
          ${chooseLabel}
        </button>
        <button type="button" class="weui-btn weui-btn_mini weui-btn_default" onClick=${onCancel}>
          ${t("cancel")}
        </button>
      </div>
    </fieldset>
  `;
}
