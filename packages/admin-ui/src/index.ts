export { type AdminUIOptions, adminUI, CONTENT_SECURITY_POLICY } from "./admin-ui.js";
