package dev.genloom.plugins.echo;

import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.Labels;
import dev.genloom.api.ScoredLabel;
import dev.genloom.api.media.Image;

import java.util.ArrayList;
import java.util.List;

/**
 * Image-to-text: names the main colour of a picture, or scores candidate labels by how close the
 * colour they name is to it (a softmax over the candidates). The pixels go through the model.
 */
final class EchoImageToText extends EchoPart implements ImageToText {

    EchoImageToText(EchoSession session) {
        super(session);
    }

    @Override
    public ImageText describe(Image image, ImageToTextOptions options) {
        double[] mean = meanColour(image);
        int colour = Colours.nearest(mean[0], mean[1], mean[2]);
        if (options.labels().isEmpty()) {
            return new ImageText("a " + image.width() + "x" + image.height() + " picture, mostly "
                    + Colours.NAMES[colour], Labels.NONE);
        }
        String template = options.labelTemplate() == null ? "{}" : options.labelTemplate();
        double[] logits = new double[options.labels().size()];
        for (int i = 0; i < logits.length; i++) {
            String text = template.replace("{}", options.labels().get(i));
            session.work(text);
            int named = Colours.find(text);
            // Closer colours score higher; a label that names no colour scores as if far away.
            logits[i] = named < 0 ? -8 : -Colours.distance(named, mean[0], mean[1], mean[2]) / 32;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Math.exp(logits[i] - max);
            sum += logits[i];
        }
        List<ScoredLabel> scored = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            scored.add(new ScoredLabel(options.labels().get(i), logits[i] / sum));
        }
        Labels labels = new Labels(scored);
        return new ImageText(labels.best().orElseThrow().label(), labels);
    }

    private double[] meanColour(Image image) {
        float[] chw = session.echo(image.toChw(new float[] {0, 0, 0}, new float[] {1 / 255f, 1 / 255f, 1 / 255f}));
        int plane = image.width() * image.height();
        double[] mean = new double[3];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int p = 0; p < plane; p++) {
                sum += chw[c * plane + p];
            }
            mean[c] = sum / plane;
        }
        return mean;
    }
}
