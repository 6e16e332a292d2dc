package io.capmarket.spring.internal;

import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
import io.capmarket.spring.CapmarketHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Finds the {@link CapmarketHandler} beans and methods as the context creates its beans, and
 * keeps one handler per capability. A handler that cannot be called as one (wrong parameters or
 * return type, a class that is no handler, a second handler of a capability) stops the context
 * with a message naming the bean, the method and the rule.
 */
public final class HandlerRegistry implements BeanPostProcessor {

    /** A capability's handler and where it was declared. */
    public record Registered(String capability, String declaredAt, AsyncAssignmentHandler handler) {
    }

    private final Map<String, Registered> byCapability = new TreeMap<>();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        if (!AnnotationUtils.isCandidateClass(type, CapmarketHandler.class)) {
            return bean; // java.* and the like cannot carry it
        }
        CapmarketHandler onType = AnnotatedElementUtils.findMergedAnnotation(type, CapmarketHandler.class);
        if (onType != null) {
            register(onType.value(), "bean " + beanName + " (" + type.getName() + ")", typeHandler(bean, beanName, type));
        }
        Map<Method, CapmarketHandler> methods = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<CapmarketHandler>) m -> AnnotatedElementUtils.findMergedAnnotation(m,
                        CapmarketHandler.class));
        methods.forEach((method, annotation) -> {
            String where = "method " + type.getName() + "." + method.getName() + " of bean " + beanName;
            register(annotation.value(), where, methodHandler(bean, AopUtils.selectInvocableMethod(method, bean.getClass()), where));
        });
        return bean;
    }

    /** Every handler by capability (a snapshot). */
    public synchronized Map<String, Registered> handlers() {
        return Map.copyOf(byCapability);
    }

    private synchronized void register(String capability, String where, AsyncAssignmentHandler handler) {
        if (capability == null || capability.isBlank()) {
            throw new IllegalStateException("@CapmarketHandler on " + where + " must name a capability, but was blank");
        }
        Registered earlier = byCapability.get(capability);
        if (earlier != null) {
            throw new IllegalStateException("capability " + capability + " must have one @CapmarketHandler, but has two: "
                    + earlier.declaredAt() + " and " + where);
        }
        byCapability.put(capability, new Registered(capability, where, handler));
    }

    private static AsyncAssignmentHandler typeHandler(Object bean, String beanName, Class<?> type) {
        if (bean instanceof AssignmentHandler handler) {
            return AsyncAssignmentHandler.of(handler);
        }
        if (bean instanceof AsyncAssignmentHandler handler) {
            return handler;
        }
        throw new IllegalStateException("@CapmarketHandler on bean " + beanName + " (" + type.getName() + ") needs a class that "
                + "implements AssignmentHandler or AsyncAssignmentHandler; on another bean, annotate its methods instead");
    }

    private static AsyncAssignmentHandler methodHandler(Object bean, Method method, String where) {
        Class<?>[] parameters = method.getParameterTypes();
        boolean async = CompletionStage.class.isAssignableFrom(method.getReturnType());
        if (parameters.length != 2 || parameters[0] != Assignment.class || parameters[1] != FulfilmentContext.class
                || !(async || method.getReturnType() == void.class)) {
            throw new IllegalStateException("@CapmarketHandler " + where + " must take (Assignment, FulfilmentContext) and return "
                    + "void or a CompletionStage, but is " + method.toGenericString());
        }
        method.setAccessible(true);
        if (async) {
            return (assignment, context) -> {
                try {
                    return (CompletionStage<?>) method.invoke(bean, assignment, context);
                } catch (InvocationTargetException e) {
                    return CompletableFuture.failedFuture(e.getCause());
                } catch (IllegalAccessException e) {
                    return CompletableFuture.failedFuture(e);
                }
            };
        }
        return AsyncAssignmentHandler.of((assignment, context) -> {
            try {
                method.invoke(bean, assignment, context);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception cause ? cause : new IllegalStateException(e.getCause());
            }
        });
    }
}
