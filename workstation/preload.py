"""The core the desktop app needs for its first window, imported before any Qt module.

Once PySide6 is imported, it inspects every module imported after it (it reads each one's
source, for its `__feature__` switches). SQLAlchemy, the engine's SQLite dialect (with asyncio,
which it imports) and the services behind the leads page are some 300 modules: importing them
first saves about a fifth of the CPU a start-up spends importing (~0.2 s here; see
bench/startup_bench.py), and costs nothing, since the first window needs all of them anyway.
ui.launch imports this module before Qt when the app starts the usual way; when it starts
with the window's first look (ui.first_look), a thread imports it behind the painted leads.
The core itself never needs it.
"""

import sqlalchemy.dialects.sqlite  # the dialect an SQLite store's engine loads
import sqlalchemy.orm  # noqa: F401

import workstation.diagnostics
import workstation.importing.dates
import workstation.search
import workstation.services.cases
import workstation.services.lead_lists
import workstation.services.leads
import workstation.services.review
import workstation.services.units
import workstation.store
import workstation.store.integrity  # noqa: F401
