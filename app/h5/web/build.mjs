// Builds the H5 page into dist/, which the app serves at /h5/assets/: `make` runs this after
// `npm ci`. One entry script (app.js) with its stylesheet (app.css, WeUI's inside), and a chunk
// for WeChat's JS-SDK that only WeChat's browser loads. Nothing is fetched at run time.
import { copyFile, mkdir, rm } from "node:fs/promises";
import { build } from "esbuild";

const out = new URL("./dist/", import.meta.url);
await rm(out, { recursive: true, force: true });
await mkdir(out);
await build({
  entryPoints: { app: "src/main.js" },
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  // WeChat's Android browser (XWeb, Chromium-based) and iOS WKWebView of recent years.
  // ES2020 syntax: the browsers WeChat has shipped in recent years (XWeb, iOS WKWebView) run it.
  target: ["es2020"],
  outdir: "dist",
  entryNames: "[name]",
  chunkNames: "chunk-[hash]",
  legalComments: "eof",
  logLevel: "warning",
});
await copyFile(new URL("./src/favicon.svg", import.meta.url), new URL("favicon.svg", out));
