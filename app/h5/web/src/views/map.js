// A small map of the nearby posts' public (grid) points over the district outlines the API
// ships: SVG, with no tile server and no map of the whole country. Inside WeChat a tap on a
// point opens WeChat's own map there (wx.openLocation); elsewhere it opens the post.
import { html } from "htm/preact";
import { api } from "../api.js";
import { t } from "../i18n.js";
import { openInWeChatMap } from "../place.js";
import { inWeChat } from "../wechat.js";
import { itemText, useLoaded } from "./common.js";

const WIDTH = 360;
const MAX_HEIGHT = 260;
// At least a couple of kilometres across, at most the API's one degree.
const MIN_SPAN_DEGREES = 0.02;
const MAX_SPAN_DEGREES = 1;
const MARGIN_SHARE = 0.12;
// Four decimals of a degree, about ten metres: one grid cell's posts fall together.
const CELL_DIGITS = 4;

function extent(points, centre) {
  const lngs = points.map((point) => point.lng);
  const lats = points.map((point) => point.lat);
  let [minLng, maxLng, minLat, maxLat] = [
    Math.min(...lngs),
    Math.max(...lngs),
    Math.min(...lats),
    Math.max(...lats),
  ];
  const grow = (low, high) => {
    const span = Math.min(Math.max((high - low) * (1 + MARGIN_SHARE * 2), MIN_SPAN_DEGREES), MAX_SPAN_DEGREES);
    const middle = (low + high) / 2;
    return [middle - span / 2, middle + span / 2];
  };
  if (maxLng - minLng > MAX_SPAN_DEGREES || maxLat - minLat > MAX_SPAN_DEGREES) {
    // Far-flung posts leave the map; it stays around the reader.
    [minLng, maxLng, minLat, maxLat] = [centre.lng, centre.lng, centre.lat, centre.lat];
  }
  [minLng, maxLng] = grow(minLng, maxLng);
  [minLat, maxLat] = grow(minLat, maxLat);
  return [minLng, minLat, maxLng, maxLat].map((value) => Number(value.toFixed(4)));
}

function projection([minLng, minLat, maxLng, maxLat]) {
  // Equirectangular, squeezed by the latitude's cosine: true enough across a city.
  const squeeze = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = Math.min(WIDTH / ((maxLng - minLng) * squeeze), MAX_HEIGHT / (maxLat - minLat));
  const left = (WIDTH - (maxLng - minLng) * squeeze * scale) / 2;
  return {
    height: (maxLat - minLat) * scale,
    project: (lng, lat) => [left + (lng - minLng) * squeeze * scale, (maxLat - lat) * scale],
  };
}

function ringPath(ring, project) {
  return `${ring.map(([lng, lat], at) => `${at ? "L" : "M"}${project(lng, lat).map((v) => v.toFixed(1)).join(" ")}`).join("")}Z`;
}

function outlinePath(geometry, project) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((polygon) => polygon.map((ring) => ringPath(ring, project))).join("");
}

/** Posts by their public point: a grid cell's posts share it (but for a jitter under a metre),
 * and are drawn as one mark. */
function cells(posts) {
  const byPoint = new Map();
  for (const post of posts) {
    const { lat, lng } = post.approximate_location;
    const key = `${lat.toFixed(CELL_DIGITS)},${lng.toFixed(CELL_DIGITS)}`;
    if (!byPoint.has(key)) byPoint.set(key, { point: { lat, lng }, posts: [] });
    byPoint.get(key).posts.push(post);
  }
  return [...byPoint.values()];
}

export function NearbyMap({ posts, place, system }) {
  const points = posts.map((post) => post.approximate_location);
  const centre = place || points[0];
  const box = centre ? extent(place ? [...points, place] : points, centre) : null;
  const outlines = useLoaded(
    () =>
      box
        ? api("/districts/outlines", { query: { bbox: box.join(","), coordinate_system: system } })
        : Promise.resolve(null),
    [box?.join(","), system],
  );
  if (!box) return null;
  const { height, project } = projection(box);

  function tap(post) {
    const name = post.items.map(itemText).join("、");
    if (inWeChat) openInWeChatMap(post.approximate_location, name);
    else location.hash = `#/posts/${post.id}`;
  }

  return html`
    <figure class="map">
      <svg
        viewBox=${`0 0 ${WIDTH} ${height.toFixed(0)}`}
        role="img"
        aria-label=${t("map_label", { count: posts.length })}
      >
        <rect class="map__sea" width=${WIDTH} height=${height} />
        ${outlines.value?.features.map(
          (feature) => html`
            <path class="map__district" key=${feature.id} d=${outlinePath(feature.geometry, project)}>
              <title>${feature.properties.name}</title>
            </path>
          `,
        )}
        ${cells(posts).map((cell) => {
          const [x, y] = project(cell.point.lng, cell.point.lat);
          const post = cell.posts[0];
          return html`
            <g key=${post.id} class=${`map__post map__post_${post.kind}`} data-post=${post.id} onClick=${() => tap(post)}>
              <circle cx=${x.toFixed(1)} cy=${y.toFixed(1)} r=${cell.posts.length > 1 ? 10 : 7} />
              ${cell.posts.length > 1 &&
              html`<text x=${x.toFixed(1)} y=${(y + 4).toFixed(1)} text-anchor="middle">${cell.posts.length}</text>`}
            </g>
          `;
        })}
        ${place &&
        html`<circle class="map__you" cx=${project(place.lng, place.lat)[0]} cy=${project(place.lng, place.lat)[1]} r="6" />`}
      </svg>
      <figcaption class="map__legend">
        <span class="legend legend_need">${t("need")}</span>
        <span class="legend legend_offer">${t("offer")}</span>
        ${place && html`<span class="legend legend_you">${t("map_you")}</span>`}
      </figcaption>
    </figure>
  `;
}
