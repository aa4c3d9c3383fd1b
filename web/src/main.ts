import "./early-requests.js";
import "./styles.css";

// React and the app are most of the JavaScript. Importing them dynamically lets the requests above
// go out as soon as this small module has run, while that chunk (preloaded by index.html, see
// vite.config.ts) is still being parsed and evaluated.
void import("./render-app.js");
