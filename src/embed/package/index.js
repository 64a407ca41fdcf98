// The npm package's entry: the element is defined as soon as this module is
// imported (the glue imports its class); the wasm loads at `init()`.
import load, {
  mount as mountNow, mountPage as mountPageNow, mountedPanels as countNow, KeywatchPanel,
} from "./keywatch.js";

let loading = null;
let ready = false;

/**
 * Loads the panel's WebAssembly (once, however often it is called), then
 * starts every <keywatch-panel> on the page. By default the wasm is fetched
 * beside this module; `{ module_or_path }` names another URL or a module.
 */
export default function init(options) {
  loading ??= load(options).then((exports) => {
    ready = true;
    return exports;
  });
  return loading;
}

function loaded(name) {
  if (!ready) {
    throw new Error(
      `keywatch: ${name}() was called before the panel's WebAssembly was loaded: ` +
      `call it after \`await init()\` (a <keywatch-panel> element needs no wait: it starts by itself once init() is done)`,
    );
  }
}

/** Mounts a panel into `element`'s shadow root; see the README. */
export function mount(element, config) {
  loaded("mount");
  return mountNow(element, config);
}

/** As `mount`, with the sync-job view kept in the page's address. */
export function mountPage(element, config) {
  loaded("mountPage");
  return mountPageNow(element, config);
}

/** How many panels run on the page (0 before `init()`). */
export function mountedPanels() {
  return ready ? countNow() : 0;
}

export { init, KeywatchPanel };
