/* formats-test-common.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

/* What a format keeps of a frame. */
typedef struct
{
  const char *name;        /* registry name */
  const char *ext;         /* file extension with the dot */
  gint64      ts_tolerance_ns;
  guint       channel : 1;
  guint       direction : 1;
  guint       fd_flags : 1;      /* FD, BRS, ESI */
  guint       error_details : 1; /* id and data of error frames */
  guint       python_writes : 1; /* python-can 4.1 writes it faithfully */
} FormatCaps;

extern const FormatCaps test_formats[];
extern const guint      n_test_formats;

GArray   *test_make_frames     (guint              n,
                                gboolean           with_fd,
                                gboolean           with_errors);
gboolean  test_write_frames    (const char        *path,
                                GArray            *frames,
                                GError           **error);
GArray   *test_read_frames     (const char        *path,
                                GError           **error);
gboolean  test_frames_match    (const CanopyMessage *want,
                                const CanopyMessage *got,
                                const FormatCaps  *caps,
                                gint64             tolerance_ns,
                                char             **why);
void      test_assert_frames   (GArray            *want,
                                GArray            *got,
                                const FormatCaps  *caps,
                                gint64             tolerance_ns,
                                const char        *context);
/* python-can 4.1 (via tests/formats/pycan-helper.py); callers check
 * canopy_test_python3() first (canopy-test-python.h). */
GArray   *test_python_dump     (const char        *path,
                                char             **stderr_text);
gboolean  test_python_write    (const char        *path,
                                GArray            *frames,
                                GError           **error);
char     *test_tmpdir          (void);
void      test_rmdir           (const char        *dir);
char     *test_frame_to_string (const CanopyMessage *msg);

G_END_DECLS
