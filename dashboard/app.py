"""Entry point of the dashboard (``critica serve``): page frame, shared filters, navigation."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from dashboard import data
from dashboard.filters import View, remember_view, sidebar_filters
from dashboard.navigation import PAGES

st.set_page_config(
    page_title="Critica",
    page_icon=":material/insights:",
    layout="wide",
    initial_sidebar_state="expanded",
)
navigation = st.navigation(
    [
        # The first page is the home page: it answers at the site's root.
        st.Page(
            page.path, title=page.title, icon=page.icon, url_path=page.url_path, default=index == 0
        )
        for index, page in enumerate(PAGES)
    ]
)
st.logo(str(Path(__file__).with_name("logo.svg")), size="large")

warehouse = data.warehouse_path_from_env(os.environ)
try:
    source = data.Source.current(warehouse)
except data.WarehouseNotFoundError:
    st.title("No warehouse yet")
    st.error(
        f"There is no warehouse at `{warehouse}`. Load exports with `critica load FILE...`, "
        f"or try the demo with `critica demo`; set `{data.WAREHOUSE_ENV_VAR}` (or "
        "`critica --warehouse PATH serve`) to open another one."
    )
    st.stop()

first_day, last_day = data.coverage(source)
if first_day is None or last_day is None:
    st.title("The warehouse is empty")
    st.info(
        f"`{warehouse}` holds no tickets or surveys yet. Load exports with `critica load FILE...`."
    )
    st.stop()

filters = sidebar_filters(
    first_day=first_day, last_day=last_day, segment_values=data.segment_choices(source)
)
remember_view(View(source=source, filters=filters))
navigation.run()
