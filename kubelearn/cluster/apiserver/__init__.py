"""The API server: decoding, defaulting, validation, admission and the verbs over the store."""
