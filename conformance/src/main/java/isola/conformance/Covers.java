// SPDX-License-Identifier: Apache-2.0
package isola.conformance;

import isola.api.Capability;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The capabilities a conformance test proves when it passes, for the platform table. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Covers {
    /** @return the capabilities */
    Capability[] value();
}
