package io.sluice.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Small PNG charts with Java2D (headless): grouped bars and lines, enough for the benchmark page. */
final class Chart {

    private static final int W = 900;
    private static final int H = 480;
    private static final int LEFT = 80;
    private static final int RIGHT = 170;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};

    record Series(String name, double[] values) {
    }

    record Line(String name, double[] x, double[] y) {
    }

    private Chart() {
    }

    /**
     * Grouped bars, one group per category. {@code target} draws a dashed line (NaN: none); a NaN
     * bound of the axis makes it logarithmic when the values span more than two decades.
     */
    static void bars(Path file, String title, List<String> categories, List<Series> series, String unit, double target)
            throws IOException {
        double max = 0;
        double min = Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : s.values()) {
                if (!Double.isNaN(v) && v > 0) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        if (!Double.isNaN(target)) {
            max = Math.max(max, target);
        }
        boolean log = Double.isNaN(target) && max / Math.max(min, 1e-9) > 100;
        double lo = log ? Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-3)))) : 0;
        double hi = log ? Math.pow(10, Math.ceil(Math.log10(max))) : niceCeil(max * 1.1);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame(img, title);
        axisY(g, lo, hi, log, unit);
        int plotW = W - LEFT - RIGHT;
        int groupW = plotW / Math.max(1, categories.size());
        int barW = Math.max(4, (groupW - 20) / Math.max(1, series.size()));
        for (int c = 0; c < categories.size(); c++) {
            int gx = LEFT + c * groupW + 10;
            g.setColor(Color.DARK_GRAY);
            g.drawString(categories.get(c), gx, H - BOTTOM + 20);
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).values()[c];
                if (Double.isNaN(v) || v <= 0) {
                    continue;
                }
                int y = yOf(v, lo, hi, log);
                g.setColor(COLORS[s % COLORS.length]);
                g.fillRect(gx + s * barW, y, barW - 2, H - BOTTOM - y);
                g.setColor(Color.BLACK);
                g.setFont(g.getFont().deriveFont(10f));
                g.drawString(fmt(v), gx + s * barW, y - 3);
                g.setFont(g.getFont().deriveFont(12f));
            }
        }
        if (!Double.isNaN(target)) {
            int y = yOf(target, lo, hi, log);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.drawLine(LEFT, y, W - RIGHT, y);
            g.drawString("target " + fmt(target), W - RIGHT + 5, y + 4);
            g.setStroke(new BasicStroke(1));
        }
        legend(g, series.stream().map(Series::name).toList());
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    static void lines(Path file, String title, List<Line> lines, String xUnit, String yUnit) throws IOException {
        double xMax = 1;
        double yMax = 1;
        for (Line l : lines) {
            for (double v : l.x()) {
                xMax = Math.max(xMax, v);
            }
            for (double v : l.y()) {
                yMax = Math.max(yMax, v);
            }
        }
        xMax = niceCeil(xMax);
        yMax = niceCeil(yMax * 1.1);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame(img, title);
        axisY(g, 0, yMax, false, yUnit);
        int plotW = W - LEFT - RIGHT;
        for (int i = 0; i <= 5; i++) {
            double v = xMax * i / 5;
            int x = LEFT + (int) (plotW * v / xMax);
            g.setColor(Color.DARK_GRAY);
            g.drawString(fmt(v), x - 10, H - BOTTOM + 18);
        }
        g.drawString(xUnit, LEFT + plotW / 2 - 20, H - BOTTOM + 40);
        for (int s = 0; s < lines.size(); s++) {
            Line l = lines.get(s);
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < l.x().length; i++) {
                int x = LEFT + (int) (plotW * l.x()[i] / xMax);
                int y = yOf(l.y()[i], 0, yMax, false);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1));
        legend(g, lines.stream().map(Line::name).toList());
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static Graphics2D frame(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT - 40, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        return g;
    }

    private static void axisY(Graphics2D g, double lo, double hi, boolean log, String unit) {
        int ticks = log ? (int) Math.round(Math.log10(hi / lo)) : 5;
        for (int i = 0; i <= ticks; i++) {
            double v = log ? lo * Math.pow(10, i) : lo + (hi - lo) * i / ticks;
            int y = yOf(v, lo, hi, log);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT + 1, y, W - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(fmt(v), 10, y + 4);
        }
        g.drawString(unit, 10, TOP - 10);
    }

    private static void legend(Graphics2D g, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            int y = TOP + 10 + i * 22;
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(W - RIGHT + 15, y - 10, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), W - RIGHT + 35, y + 2);
        }
    }

    private static int yOf(double v, double lo, double hi, boolean log) {
        double f = log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
                : (v - lo) / (hi - lo);
        return (int) (H - BOTTOM - f * (H - TOP - BOTTOM));
    }

    private static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
