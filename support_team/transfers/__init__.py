"""The Django app `transfers` (label "transfers", apps.py): transfer packets between the
schools of a district and, as sealed files, between districts. It writes into the hub through
support_team's services; support_team never imports it.

Modules: build (draft from the record), schema (the published JSON schema), pdf (the
human-readable copy), envelope (sign + encrypt, verify + decrypt), keys (our district's keys,
encrypted at rest), services (every state change), selectors (reads), clock (the
five-school-day acknowledgement deadline) and tasks (its periodic jobs)."""
