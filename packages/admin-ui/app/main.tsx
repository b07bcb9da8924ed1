import "./styles.css";
import { render } from "preact";
import { initTheme } from "./lib/theme.js";

initTheme();
const root = document.getElementById("app")!;
// The admin app and the public page share this shell but load only their own code.
if (location.pathname === "/admin" || location.pathname.startsWith("/admin/")) {
  import("./admin/admin-app.js").then(({ AdminApp }) => render(<AdminApp />, root));
} else {
  import("./public/public-page.js").then(({ PublicApp }) => render(<PublicApp />, root));
}
