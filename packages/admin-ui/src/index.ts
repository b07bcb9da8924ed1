// The admin web app is built in its own issue; this package reserves its place in the layout.
export {};
