package dev.releaserouter.replay.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Inline SVG line charts over time: axes, gridlines, solid series with markers, stepped
 * thresholds drawn dashed. Colours come from CSS classes ({@code s0}..{@code s5}, {@code thr}),
 * so print and dark mode restyle them; series differ by dash pattern and marker shape too, not by
 * colour alone. Stateless and thread-safe.
 */
final class Svg {

    static final int WIDTH = 640;
    static final int HEIGHT = 220;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 12;
    private static final int BOTTOM = 30;
    private static final String[] MARKERS = {"circle", "square", "diamond", "triangle"};

    private Svg() {}

    /** One point: x in epoch milliseconds. */
    record Point(long x, double y) {}

    /**
     * A series.
     *
     * @param name its legend name
     * @param points its points in x order (NaN values are skipped)
     * @param threshold whether it is a threshold (dashed, stepped, no markers)
     */
    record Series(String name, List<Point> points, boolean threshold) {}

    /** A marker on the timeline: x, y, a class (ok/warn/bad/info), a glyph and a tooltip. */
    record Mark(long x, double y, String css, String glyph, String tooltip) {}

    /**
     * A chart of series over time.
     *
     * @param origin the time x labels count from (the rollout's start), epoch ms
     * @param id a unique element id
     * @param title the title (also the accessible name)
     * @param unit the y-axis unit
     * @param series the series
     * @param marks markers drawn on top
     * @param step whether non-threshold series are stepped (traffic) instead of joined
     * @return the SVG element, or an empty string if no series has a finite point
     */
    static String chart(long origin, String id, String title, String unit, List<Series> series,
            List<Mark> marks, boolean step) {
        long xmin = Long.MAX_VALUE;
        long xmax = Long.MIN_VALUE;
        double ymax = 0;
        double ymin = 0;
        boolean any = false;
        for (Series s : series) {
            for (Point p : s.points()) {
                if (Double.isFinite(p.y())) {
                    any = true;
                    xmin = Math.min(xmin, p.x());
                    xmax = Math.max(xmax, p.x());
                    ymax = Math.max(ymax, p.y());
                    ymin = Math.min(ymin, p.y());
                }
            }
        }
        if (!any) {
            return "";
        }
        for (Mark m : marks) {
            xmin = Math.min(xmin, m.x());
            xmax = Math.max(xmax, m.x());
        }
        if (xmax == xmin) {
            xmax = xmin + 60_000;
        }
        ymax = niceCeiling(ymax);
        if (ymax == ymin) {
            ymax = ymin + 1;
        }
        Scale sc = new Scale(xmin, xmax, ymin, ymax);
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" id=\"").append(id).append("\" role=\"img\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" aria-labelledby=\"")
                .append(id).append("-t\" xmlns=\"http://www.w3.org/2000/svg\">")
                .append("<title id=\"").append(id).append("-t\">").append(Html.esc(title))
                .append("</title>");
        // Grid and y labels: five lines.
        for (int i = 0; i <= 4; i++) {
            double v = ymin + (ymax - ymin) * i / 4;
            double y = sc.y(v);
            b.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"")
                    .append(WIDTH - RIGHT).append("\" y1=\"").append(f(y)).append("\" y2=\"")
                    .append(f(y)).append("\"/>");
            b.append("<text class=\"axis\" x=\"").append(LEFT - 6).append("\" y=\"")
                    .append(f(y + 4)).append("\" text-anchor=\"end\">")
                    .append(Html.esc(Html.num(v))).append("</text>");
        }
        b.append("<text class=\"axis\" x=\"").append(LEFT + 4).append("\" y=\"")
                .append(TOP + 2).append("\" dominant-baseline=\"hanging\">")
                .append(Html.esc(unit)).append("</text>");
        // x labels: minutes from the start, five ticks.
        for (int i = 0; i <= 4; i++) {
            long x = xmin + (xmax - xmin) * i / 4;
            b.append("<text class=\"axis\" x=\"").append(f(sc.x(x))).append("\" y=\"")
                    .append(HEIGHT - 8).append("\" text-anchor=\"")
                    .append(i == 0 ? "start" : i == 4 ? "end" : "middle").append("\">")
                    .append(Html.esc(Html.offset(origin, x))).append("</text>");
        }
        int k = 0;
        for (Series s : series) {
            String css = s.threshold() ? "thr" : "s" + (k % 6);
            String path = path(s.points(), sc, s.threshold() || step, xmax);
            if (!path.isEmpty()) {
                b.append("<path class=\"").append(css).append("\" d=\"").append(path)
                        .append("\"><title>").append(Html.esc(s.name())).append("</title></path>");
            }
            if (!s.threshold()) {
                String shape = MARKERS[k % MARKERS.length];
                for (Point p : s.points()) {
                    if (Double.isFinite(p.y())) {
                        b.append(marker(shape, sc.x(p.x()), sc.y(p.y()), css,
                                s.name() + ": " + Html.num(p.y()) + " at "
                                        + Html.offset(origin, p.x())));
                    }
                }
                k++;
            }
        }
        for (Mark m : marks) {
            b.append("<text class=\"mark ").append(m.css()).append("\" x=\"")
                    .append(f(sc.x(m.x()))).append("\" y=\"").append(f(sc.y(m.y()) - 6))
                    .append("\" text-anchor=\"middle\">").append(Html.esc(m.glyph()))
                    .append("<title>").append(Html.esc(m.tooltip())).append("</title></text>");
        }
        return b.append("</svg>").toString();
    }

    /**
     * The legend of a chart, in HTML.
     *
     * @param series the series
     * @return a list of swatches and names
     */
    static String legend(List<Series> series) {
        StringBuilder b = new StringBuilder("<ul class=\"legend\">");
        int k = 0;
        for (Series s : series) {
            String css = s.threshold() ? "thr" : "s" + (k++ % 6);
            b.append("<li><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><line class=\"")
                    .append(css).append("\" x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\"/></svg> ")
                    .append(Html.esc(s.name())).append(s.threshold() ? " (threshold)" : "")
                    .append("</li>");
        }
        return b.append("</ul>").toString();
    }

    private static String path(List<Point> points, Scale sc, boolean step, long xmax) {
        StringBuilder d = new StringBuilder();
        double lastY = Double.NaN;
        List<Point> finite = new ArrayList<>();
        for (Point p : points) {
            if (Double.isFinite(p.y())) {
                finite.add(p);
            }
        }
        for (int i = 0; i < finite.size(); i++) {
            Point p = finite.get(i);
            double x = sc.x(p.x());
            double y = sc.y(p.y());
            if (d.isEmpty()) {
                d.append('M').append(f(x)).append(' ').append(f(y));
            } else {
                if (step) {
                    d.append(" L").append(f(x)).append(' ').append(f(lastY));
                }
                d.append(" L").append(f(x)).append(' ').append(f(y));
            }
            lastY = y;
        }
        if (step && !finite.isEmpty()) {
            d.append(" L").append(f(sc.x(xmax))).append(' ').append(f(lastY));
        }
        return d.toString();
    }

    private static String marker(String shape, double x, double y, String css, String tip) {
        String title = "<title>" + Html.esc(tip) + "</title>";
        return switch (shape) {
            case "square" -> "<rect class=\"pt " + css + "\" x=\"" + f(x - 3) + "\" y=\""
                    + f(y - 3) + "\" width=\"6\" height=\"6\">" + title + "</rect>";
            case "diamond" -> "<path class=\"pt " + css + "\" d=\"M" + f(x) + ' ' + f(y - 4)
                    + " L" + f(x + 4) + ' ' + f(y) + " L" + f(x) + ' ' + f(y + 4) + " L"
                    + f(x - 4) + ' ' + f(y) + " Z\">" + title + "</path>";
            case "triangle" -> "<path class=\"pt " + css + "\" d=\"M" + f(x) + ' ' + f(y - 4)
                    + " L" + f(x + 4) + ' ' + f(y + 3) + " L" + f(x - 4) + ' ' + f(y + 3)
                    + " Z\">" + title + "</path>";
            default -> "<circle class=\"pt " + css + "\" cx=\"" + f(x) + "\" cy=\"" + f(y)
                    + "\" r=\"3\">" + title + "</circle>";
        };
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least v. */
    static double niceCeiling(double v) {
        if (v <= 0 || !Double.isFinite(v)) {
            return v;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String f(double v) {
        return String.valueOf(Math.round(v * 10) / 10.0);
    }

    private record Scale(long xmin, long xmax, double ymin, double ymax) {
        double x(long t) {
            return LEFT + (double) (t - xmin) / (xmax - xmin) * (WIDTH - LEFT - RIGHT);
        }

        double y(double v) {
            double c = Math.max(ymin, Math.min(ymax, v));
            return TOP + (1 - (c - ymin) / (ymax - ymin)) * (HEIGHT - TOP - BOTTOM);
        }
    }
}
