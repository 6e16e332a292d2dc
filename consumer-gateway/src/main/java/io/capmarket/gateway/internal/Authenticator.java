package io.capmarket.gateway.internal;

import java.util.Optional;

/** Who presents a bearer token, decided from the token alone: never from anything else the caller sends. */
@FunctionalInterface
public interface Authenticator {

    /**
     * The principal of a presented bearer token.
     *
     * @return empty when the token is not valid here
     * @throws io.capmarket.gateway.RetryLaterException when validity cannot be decided now (an identity provider unreachable)
     */
    Optional<Principal> authenticate(String token);

    /**
     * JSON Web Tokens (three dot-separated parts) to {@code jwt}, every other token to {@code tokens}.
     *
     * @param jwt null when no identity provider is configured: then every token goes to {@code tokens}
     */
    static Authenticator of(Authenticator jwt, Authenticator tokens) {
        return token -> jwt != null && JwtAuthenticator.looksLikeJwt(token) ? jwt.authenticate(token) : tokens.authenticate(token);
    }
}
