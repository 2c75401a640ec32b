// SPDX-License-Identifier: Apache-2.0
/**
 * Linux cgroups, v1, v2 and hybrid: where each controller lives, one small class per controller
 * and version to write limits and read usage, and the sandbox's set of cgroups. Pure Java over
 * the cgroup filesystems; testable against a fake tree. Not API.
 */
package isola.linux.cgroup;
