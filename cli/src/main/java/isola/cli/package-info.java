// SPDX-License-Identifier: Apache-2.0
/**
 * The {@code isola} command line: one class per subcommand ({@link isola.cli.RunCommand},
 * {@link isola.cli.FeaturesCommand}) under {@link isola.cli.IsolaCommand}, with shared option
 * mixins and small pure parsers. Not API: nothing may depend on this package. It calls only
 * {@code isola.api} and {@code isola.spi}; backends are found at run time.
 */
package isola.cli;
