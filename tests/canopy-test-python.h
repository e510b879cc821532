/* canopy-test-python.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The python3-can peer of the interop tests, for every test area:
 *
 *   const char *python3 = canopy_test_python3 ();
 *   if (python3 == NULL)
 *     return;    (skipped, with the reason in the TAP output)
 *
 * or, to leave out only the python-can part of a larger test,
 * `if (canopy_test_have_python3 ()) { … }`.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns the interpreter that has python3-can (CANOPY_PYTHON3, Debian's
 * /usr/bin/python3), or NULL after marking the running test skipped.
 *
 * A Windows build skips: its tests run under wine (or on Windows), and a
 * Windows program cannot start the Linux interpreter. The Linux build of the
 * same tests does the interop checks; on Linux a missing interpreter is a
 * failure of the test itself, not a skip, so CI cannot pass without it. */
static inline const char *
canopy_test_python3 (void)
{
#ifdef G_OS_WIN32
  g_test_skip ("python3-can peer not available to a Windows build "
               "(a Linux program); the Linux build runs this test");
  return NULL;
#else
  const char *python3 = g_getenv ("CANOPY_PYTHON3");

  return python3 != NULL && *python3 != '\0' ? python3 : "/usr/bin/python3";
#endif
}

/* For a test that does more than the interop check: TRUE where the peer
 * exists, without skipping anything. */
static inline gboolean
canopy_test_have_python3 (void)
{
#ifdef G_OS_WIN32
  return FALSE;
#else
  return TRUE;
#endif
}

G_END_DECLS
