"""Pure functions from a DataFrame to a plotly figure, with one look for every chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.data import Kpi

# One palette, colour-blind safe (Okabe-Ito), in the order series appear.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)  # fmt: skip
TARGET_COLOUR = "#D55E00"
# Percent ticks with the decimals they need: ".0%" wrote 0.2%, 0.4% and 0.6% as "0%", "0%", "1%".
PERCENT_TICKS = ".2~%"


def _axis_format(kpi: Kpi) -> dict[str, object]:
    if kpi.unit == "fraction":
        return {"tickformat": PERCENT_TICKS}
    if kpi.unit == "minutes":
        return {"title": {"text": "minutes"}, "tickformat": ",.0f"}
    return {"tickformat": ",.2~f"}


def _styled(figure: go.Figure, *, height: int) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 36, "b": 8},
        colorway=PALETTE,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="x unified",
    )
    return figure


def kpi_over_time(
    frame: pd.DataFrame,
    kpi: Kpi,
    *,
    by: str | None = None,
    targets: Sequence[tuple[str, float]] = (),
    height: int = 380,
    titled: bool = False,
) -> go.Figure:
    """One line per segment (or one for the desk) of a KPI over ``period``, with target lines.

    Args:
        frame: ``period``, the KPI column and, when split, the ``by`` column.
        kpi: The KPI drawn.
        by: Segment column, or None.
        targets: (name, value) of each target line to draw.
        height: Figure height in pixels.
        titled: Put the KPI's name above the chart (where no heading on the page says it).
    """
    figure = go.Figure()
    groups = frame.groupby(by, sort=True) if by else [(kpi.label, frame)]
    for name, rows in groups:
        figure.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows[kpi.name],
                name=str(name),
                mode="lines+markers",
                connectgaps=False,
            )
        )
    for name, value in targets:
        figure.add_hline(
            y=value,
            line={"color": TARGET_COLOUR, "dash": "dash", "width": 1.5},
            annotation_text=name,
            annotation_position="top left",
        )
    figure.update_yaxes(**_axis_format(kpi), rangemode="tozero")
    figure.update_layout(showlegend=by is not None)
    if titled:
        figure.update_layout(title={"text": kpi.label, "font": {"size": 14}})
    return _styled(figure, height=height)


def kpi_by_segment(frame: pd.DataFrame, kpi: Kpi, *, segment: str, height: int = 320) -> go.Figure:
    """Horizontal bars of one KPI per segment, the largest value on top."""
    return by_segment(
        frame, segment=segment, value=kpi.name, title=kpi.label, unit=kpi.unit, height=height
    )


def by_segment(
    frame: pd.DataFrame, *, segment: str, value: str, title: str, unit: str, height: int = 320
) -> go.Figure:
    """Horizontal bars of ``value`` per segment, the largest on top; ``unit`` formats the axis."""
    ordered = frame.dropna(subset=[value]).sort_values(value)
    figure = go.Figure(
        go.Bar(
            x=ordered[value],
            y=ordered[segment].astype(str),
            orientation="h",
            marker_color=PALETTE[0],
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    figure.update_xaxes(tickformat=PERCENT_TICKS if unit == "fraction" else ",.2~f")
    figure.update_layout(title={"text": title, "font": {"size": 14}}, hovermode="closest")
    return _styled(figure, height=height)


def shares_by_segment(
    frame: pd.DataFrame, *, segment: str, shares: Mapping[str, str], height: int = 360
) -> go.Figure:
    """Stacked 100 % bars: how each segment's rows split between the ``shares`` columns.

    Args:
        frame: One row per segment with a 0-1 column per share.
        segment: The segment column.
        shares: Share column to its legend label, in stacking order.
        height: Figure height in pixels.
    """
    figure = go.Figure()
    for column, label in shares.items():
        figure.add_trace(
            go.Bar(
                x=frame[column],
                y=frame[segment].astype(str),
                name=label,
                orientation="h",
                hovertemplate=f"{label}: %{{x:.1%}}<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack", hovermode="y unified", legend={"traceorder": "normal"})
    figure.update_xaxes(tickformat=PERCENT_TICKS, range=[0, 1])
    return _styled(figure, height=height)


def counts(
    frame: pd.DataFrame, *, label: str | Sequence[str], count: str, height: int | None = None
) -> go.Figure:
    """Horizontal bars of a count per label, the largest on top.

    Args:
        frame: One row per bar.
        label: The column naming each bar, or several joined with ": ".
        count: The count column.
        height: Figure height in pixels; by default it grows with the number of bars.
    """
    columns = [label] if isinstance(label, str) else list(label)
    ordered = frame.sort_values(count)
    names = ordered[columns].astype(str).agg(": ".join, axis=1)
    figure = go.Figure(
        go.Bar(
            x=ordered[count],
            y=names,
            orientation="h",
            marker_color=PALETTE[0],
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    figure.update_layout(hovermode="closest")
    return _styled(figure, height=height or 80 + 26 * len(frame))


def volume_over_time(frame: pd.DataFrame, *, height: int = 320) -> go.Figure:
    """Bars of ``count_documents`` per ``period``: a root cause's complaints over time."""
    figure = go.Figure(
        go.Bar(
            x=frame["period"],
            y=frame["count_documents"],
            marker_color=PALETTE[0],
            hovertemplate="%{x|%d %b %Y}: %{y:,} complaints<extra></extra>",
        )
    )
    figure.update_layout(title={"text": "Complaints", "font": {"size": 14}}, hovermode="closest")
    return _styled(figure, height=height)


def outliers_over_time(frame: pd.DataFrame, *, height: int = 280) -> go.Figure:
    """Share of each month's complaints left without a root cause, against the fit's share.

    ``frame`` is :func:`warehouse.queries.root_causes.outliers_by_month`'s: months wholly after
    the fit (only complaints placed since) are drawn in the second colour.
    """
    after = frame["after_fit"].astype(bool)
    figure = go.Figure(
        go.Bar(
            x=frame["month"],
            y=frame["outlier_share"],
            marker_color=[PALETTE[1] if later else PALETTE[0] for later in after],
            customdata=frame[["count_outliers", "count_documents"]],
            hovertemplate=(
                "%{x|%b %Y}: %{y:.1%} (%{customdata[0]:,} of %{customdata[1]:,})<extra></extra>"
            ),
        )
    )
    if after.any():
        # between the last month of the training window and the first wholly after it
        boundary = pd.Timestamp(frame.loc[after, "month"].iloc[0]) - pd.Timedelta(days=15)
        figure.add_shape(
            type="line",
            x0=boundary,
            x1=boundary,
            y0=0,
            y1=1,
            yref="paper",
            line={"dash": "dot", "color": "#555555"},
        )
        figure.add_annotation(
            x=boundary,
            y=1,
            yref="paper",
            text="after the fit →",
            showarrow=False,
            xanchor="left",
            yanchor="top",
        )
    if not frame.empty:
        figure.add_hline(
            y=float(frame["fit_outlier_share"].iloc[0]),
            line_dash="dash",
            line_color="#555555",
            annotation_text="the fit's share",
            annotation_position="top left",
        )
    figure.update_layout(
        title={"text": "Complaints without a root cause", "font": {"size": 14}},
        yaxis={"tickformat": PERCENT_TICKS, "rangemode": "tozero"},
        hovermode="closest",
    )
    return _styled(figure, height=height)


def glide_path(
    progress: pd.DataFrame, *, target_value: float, unit: str, height: int = 300
) -> go.Figure:
    """A target's glide path (dashed) against its check-up actuals with their intervals.

    Args:
        progress: ``month``, ``glide_value``, ``actual_value``, ``ci_low``, ``ci_high``.
        target_value: The value to reach, drawn as a line.
        unit: The metric's unit (``fraction`` gives a percent axis).
        height: Figure height in pixels.
    """
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=progress["month"],
            y=progress["glide_value"],
            name="Glide path",
            mode="lines",
            line={"dash": "dash", "color": PALETTE[4]},
        )
    )
    checked = progress.dropna(subset=["actual_value"])
    figure.add_trace(
        go.Scatter(
            x=checked["month"],
            y=checked["actual_value"],
            name="Actual",
            mode="lines+markers",
            line={"color": PALETTE[0]},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": checked["ci_high"] - checked["actual_value"],
                "arrayminus": checked["actual_value"] - checked["ci_low"],
                "thickness": 1,
            },
        )
    )
    figure.add_hline(
        y=target_value,
        line={"color": TARGET_COLOUR, "dash": "dot", "width": 1.5},
        annotation_text="Target",
        annotation_position="top left",
    )
    figure.update_yaxes(tickformat=PERCENT_TICKS if unit == "fraction" else ",.2~f")
    return _styled(figure, height=height)


def impact_intervals(
    frame: pd.DataFrame, *, score: str, label: str = "root_cause_label", height: int | None = None
) -> go.Figure:
    """Each root cause's impact on a score with its 95 % interval; clear effects in colour.

    Args:
        frame: ``root_cause_label`` and ``<score>_difference``, ``_ci_low``, ``_ci_high``,
            ``_is_clear``; rows without a difference are left out.
        score: ``csat`` or ``nps``.
        label: The column naming each root cause.
        height: Figure height in pixels; by default it grows with the number of causes.
    """
    rows = frame.dropna(subset=[f"{score}_difference"]).sort_values(f"{score}_difference")
    clear = rows[f"{score}_is_clear"].fillna(False).astype(bool)
    figure = go.Figure(
        go.Scatter(
            x=rows[f"{score}_difference"],
            y=rows[label].astype(str),
            mode="markers",
            marker={"size": 10, "color": [PALETTE[5] if c else "#9CA3AF" for c in clear]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": rows[f"{score}_ci_high"] - rows[f"{score}_difference"],
                "arrayminus": rows[f"{score}_difference"] - rows[f"{score}_ci_low"],
                "thickness": 1.5,
            },
            hovertemplate="%{y}: %{x:+.2f}<extra></extra>",
        )
    )
    figure.add_vline(x=0, line={"color": "#6B7280", "width": 1})
    name = score.upper()
    figure.update_layout(
        title={
            "text": f"Impact on {name} (95% interval; grey: could be noise)",
            "font": {"size": 14},
        },
        hovermode="closest",
    )
    return _styled(figure, height=height or 100 + 28 * len(rows))
