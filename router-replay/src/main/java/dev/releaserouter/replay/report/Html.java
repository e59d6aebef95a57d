package dev.releaserouter.replay.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;

/** HTML text helpers: escaping, number and time formats, tables, the style sheet. Stateless. */
final class Html {

    /**
     * The style sheet: light by default, dark under {@code prefers-color-scheme: dark}, black on
     * white without backgrounds in print. Series colours are the Okabe-Ito palette (readable
     * with the common colour-vision deficiencies).
     */
    static final String CSS = """
            :root{--fg:#1b1b1b;--bg:#fff;--muted:#5a5a5a;--grid:#d9d9d9;--card:#f6f6f6;
            --c0:#0072B2;--c1:#D55E00;--c2:#009E73;--c3:#CC79A7;--c4:#E69F00;--c5:#56B4E9;
            --thr:#b00020;--ok:#007a4d;--warn:#8a5a00;--bad:#b00020}
            @media (prefers-color-scheme: dark){:root{--fg:#e8e8e8;--bg:#121212;--muted:#b0b0b0;
            --grid:#3a3a3a;--card:#1e1e1e;--c0:#56B4E9;--c1:#E69F00;--c2:#2fd3a0;--c3:#e9a3c9;
            --c4:#F0E442;--c5:#9ecae1;--thr:#ff8a80;--ok:#6fdc9c;--warn:#ffcc66;--bad:#ff8a80}}
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);
            background:var(--bg);margin:0 auto;max-width:1000px;padding:1.5em}
            h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid var(--grid);
            padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em}
            table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
            th,td{border:1px solid var(--grid);padding:.25em .5em;text-align:left;
            vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
            th{background:var(--card)}.muted,.none{color:var(--muted)}
            .ok{color:var(--ok);fill:var(--ok)}.warn{color:var(--warn);fill:var(--warn)}
            .bad{color:var(--bad);fill:var(--bad)}.info{fill:var(--fg)}
            svg.chart{width:100%;max-width:640px;height:auto;display:block}
            .grid{stroke:var(--grid);stroke-width:1}.axis{fill:var(--muted);font-size:11px}
            path.s0,path.s1,path.s2,path.s3,path.s4,path.s5,line.s0,line.s1,line.s2,line.s3,
            line.s4,line.s5,path.thr,line.thr{fill:none;stroke-width:2}
            .s0{stroke:var(--c0);fill:var(--c0)}.s1{stroke:var(--c1);fill:var(--c1)}
            .s2{stroke:var(--c2);fill:var(--c2)}.s3{stroke:var(--c3);fill:var(--c3)}
            .s4{stroke:var(--c4);fill:var(--c4)}.s5{stroke:var(--c5);fill:var(--c5)}
            path.s1,line.s1{stroke-dasharray:6 3}path.s2,line.s2{stroke-dasharray:2 3}
            path.s3,line.s3{stroke-dasharray:8 3 2 3}
            .thr{stroke:var(--thr);stroke-dasharray:4 4}.mark{font-size:14px;font-weight:bold}
            ul.legend{list-style:none;padding:0;margin:.2em 0 1em;font-size:.85em}
            ul.legend li{display:inline-block;margin-right:1.2em}
            .bar{fill:var(--c0)}.bartrack{fill:var(--grid)}
            @media print{:root{--fg:#000;--bg:#fff;--card:#fff;--grid:#999}body{max-width:none;
            padding:0;font-size:11pt}h2{break-after:avoid}svg.chart,table{break-inside:avoid}}
            """;

    private Html() {}

    /**
     * @param s text
     * @return it escaped for HTML text and attribute values
     */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A number with at most 4 significant digits, no exponent for usual magnitudes.
     *
     * @param v the number
     * @return e.g. {@code 118.4}, {@code 0.0123}, {@code n/a} for NaN, {@code ∞}
     */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        return d.abs().compareTo(new BigDecimal("1e-6")) < 0 ? d.toString() : d.toPlainString();
    }

    /**
     * @param basisPoints a weight
     * @return it in percent, e.g. {@code 5%}, {@code 2.5%}
     */
    static String percent(int basisPoints) {
        return basisPoints % 100 == 0 ? basisPoints / 100 + "%" : basisPoints / 100.0 + "%";
    }

    /**
     * @param start the first time, epoch ms
     * @param t a time, epoch ms
     * @return e.g. {@code +10m00s}, or {@code +1h05m} past an hour
     */
    static String offset(long start, long t) {
        Duration d = Duration.ofMillis(t - start);
        if (d.toHours() > 0) {
            return String.format("+%dh%02dm", d.toHours(), d.toMinutesPart());
        }
        return String.format("+%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }

    /**
     * A table; cells are HTML already (use {@link #esc}); cells that look numeric align right.
     *
     * @param caption the caption
     * @param header the column names (text)
     * @param rows the rows
     * @return the table
     */
    static String table(String caption, List<String> header, List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<table><caption>").append(esc(caption))
                .append("</caption><thead><tr>");
        header.forEach(h -> b.append("<th scope=\"col\">").append(esc(h)).append("</th>"));
        b.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            b.append("<tr>");
            for (String cell : row) {
                b.append(cell.matches("-?[0-9][0-9.,eE+-]*%?|n/a|-?∞") ? "<td class=\"n\">"
                        : "<td>").append(cell).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /**
     * The short section for an input that was not given or not found.
     *
     * @param what what is missing
     * @return a paragraph
     */
    static String notRecorded(String what) {
        return "<p class=\"none\">Not recorded: " + esc(what) + "</p>";
    }
}
