package dev.genloom.runtime.pipeline;

import dev.genloom.api.Model;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A view of a shared model for callers: every modality the model offers, but {@code close()} does
 * nothing, since {@link SharedModels} owns the model (it may serve other callers and pipelines)
 * and closes it when the model is unloaded or the shared models close.
 */
final class SharedModelHandle implements InvocationHandler {
    private final Model model;

    private SharedModelHandle(Model model) {
        this.model = model;
    }

    static Model of(Model model) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        collectApiInterfaces(model.getClass(), interfaces);
        interfaces.add(Model.class);
        return (Model) Proxy.newProxyInstance(Model.class.getClassLoader(), interfaces.toArray(Class<?>[]::new),
                new SharedModelHandle(model));
    }

    /** The modality interfaces (those of the API, loaded by the host) a class implements. */
    private static void collectApiInterfaces(Class<?> type, Set<Class<?>> out) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (Model.class.isAssignableFrom(i) && i.getClassLoader() == Model.class.getClassLoader()) {
                    out.add(i);
                }
                collectApiInterfaces(i, out);
            }
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "close":
                if (method.getParameterCount() == 0) {
                    return null;
                }
                break;
            case "equals":
                if (method.getParameterCount() == 1) {
                    return args[0] == proxy;
                }
                break;
            case "hashCode":
                if (method.getParameterCount() == 0) {
                    return System.identityHashCode(proxy);
                }
                break;
            case "toString":
                if (method.getParameterCount() == 0) {
                    return "shared " + model;
                }
                break;
            default:
                break;
        }
        try {
            return method.invoke(model, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
