// The public API is added as the package is built; see README.md.
export {};
