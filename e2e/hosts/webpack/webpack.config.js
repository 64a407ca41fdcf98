import HtmlWebpackPlugin from "html-webpack-plugin";

export default {
  entry: "./src/main.js",
  output: { path: new URL("./build/", import.meta.url).pathname, clean: true },
  // keywatch finds its wasm beside its module: webpack 5 emits it as an
  // asset from `new URL("keywatch_bg.wasm", import.meta.url)`.
  plugins: [new HtmlWebpackPlugin({ title: "Console (webpack)" })],
  performance: { hints: false },
};
