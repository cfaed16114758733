"""Transfer packets: build (draft from the record), schema (the published JSON schema), pdf
(the human-readable copy), envelope (sign + encrypt, verify + decrypt), keys (our district's
keys, encrypted at rest), services (every state change), selectors (reads) and clock (the
five-school-day acknowledgement deadline)."""
