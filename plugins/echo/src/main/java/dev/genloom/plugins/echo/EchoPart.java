package dev.genloom.plugins.echo;

import dev.genloom.api.Model;
import dev.genloom.api.ModelInfo;

/**
 * The base of each echo modality: the {@link EchoSession} it runs on, which {@code info()} and
 * {@code close()} are about. Each subclass is a whole model of its one modality; a family of one
 * modality returns one of them from {@code load}.
 */
abstract class EchoPart implements Model {
    /** The session every call goes through. */
    final EchoSession session;

    EchoPart(EchoSession session) {
        this.session = session;
    }

    @Override
    public ModelInfo info() {
        return session.info();
    }

    @Override
    public void close() {
        session.close();
    }
}
