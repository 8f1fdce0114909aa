package dev.genloom.runtime.plugins;

import dev.genloom.runtime.plugins.HostPluginManager.Refusal;
import org.pf4j.Plugin;
import org.pf4j.PluginFactory;
import org.pf4j.PluginWrapper;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;

/**
 * Creates a plugin's {@code Plugin-Class} (PF4J's {@link Plugin} where there is none), and says
 * why where it cannot: PF4J's factory logs and returns {@code null}, which later fails as a
 * {@code NullPointerException} on start.
 */
final class HostPluginFactory implements PluginFactory {

    @Override
    public Plugin create(PluginWrapper wrapper) {
        String className = wrapper.getDescriptor().getPluginClass();
        if (className == null || className.isBlank() || className.equals(Plugin.class.getName())) {
            return new Plugin();
        }
        Class<?> pluginClass;
        try {
            pluginClass = Class.forName(className, false, wrapper.getPluginClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new Refusal("names Plugin-Class " + className + " in its manifest, which cannot be loaded ("
                    + Problems.describe(e) + "); fix the manifest or the jar", e);
        }
        int modifiers = pluginClass.getModifiers();
        if (Modifier.isAbstract(modifiers) || pluginClass.isInterface() || !Plugin.class.isAssignableFrom(pluginClass)) {
            throw new Refusal("names Plugin-Class " + className + ", which is not a concrete subclass of "
                    + Plugin.class.getName() + "; fix the manifest, or leave Plugin-Class out");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(wrapper.getPluginClassLoader());
        try {
            try {
                Constructor<?> withWrapper = pluginClass.getConstructor(PluginWrapper.class);
                return (Plugin) withWrapper.newInstance(wrapper);
            } catch (NoSuchMethodException noWrapperConstructor) {
                return (Plugin) pluginClass.getConstructor().newInstance();
            }
        } catch (NoSuchMethodException e) {
            throw new Refusal("has a Plugin-Class " + className + " without a public constructor taking "
                    + "nothing or a PluginWrapper", e);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw new Refusal("could not create its Plugin-Class " + className + " (" + Problems.describe(e)
                    + "); fix or remove the plugin", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
