/* canopy-blf-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <string.h>

#include <glib.h>

#include "canopy-log-event.h"
#include "canopy-message.h"

G_BEGIN_DECLS

/* Layouts of Vector's Binary Logging Format, as documented in
 * shared/formats/blf.md. Every integer is little-endian; the helpers below
 * read and write them byte-wise-safe at any alignment. */

#define BLF_FILE_SIGNATURE       0x47474F4Cu  /* "LOGG" */
#define BLF_OBJ_SIGNATURE        0x4A424F4Cu  /* "LOBJ" */
#define BLF_FILE_HEADER_SIZE     144
#define BLF_BASE_HEADER_SIZE     16
#define BLF_OBJ_HEADER_V1_SIZE   32
#define BLF_OBJ_HEADER_V2_SIZE   40
#define BLF_CONTAINER_HEADER_SIZE 32

/* python-can's (and binlog's) uncompressed container size. */
#define BLF_CONTAINER_SIZE       (128 * 1024)

/* Limits that keep memory bounded on hostile input. No writer seen uses
 * containers larger than 128 KiB; accept a generous multiple of that. */
#define BLF_MAX_CONTAINER_INFLATED (16 * 1024 * 1024)
#define BLF_MAX_CONTAINER_STORED   (16 * 1024 * 1024)
/* The largest inner object that is assembled when it spans containers.
 * Bigger objects (Ethernet frames, attachments) are skipped by streaming
 * over them, never buffered. */
#define BLF_MAX_ASSEMBLED_OBJECT   4096
/* Application texts and global markers are assembled up to this size
 * (when read with events): each of their strings is written cut to
 * BLF_MAX_EVENT_TEXT, and a marker has three. */
#define BLF_MAX_EVENT_TEXT         (1024 * 1024)
#define BLF_MAX_EVENT_OBJECT       (BLF_OBJ_HEADER_V2_SIZE + 40 + 3 * BLF_MAX_EVENT_TEXT)

#define BLF_COMPRESSION_NONE     0
#define BLF_COMPRESSION_ZLIB     2

#define BLF_TIME_TEN_MICS        0x00000001u
#define BLF_TIME_ONE_NANS        0x00000002u

typedef enum
{
  BLF_OBJ_CAN_MESSAGE       = 1,
  BLF_OBJ_CAN_ERROR         = 2,
  BLF_OBJ_CAN_OVERLOAD      = 3,
  BLF_OBJ_LOG_CONTAINER     = 10,
  BLF_OBJ_APP_TEXT          = 65,
  BLF_OBJ_CAN_ERROR_EXT     = 73,
  BLF_OBJ_CAN_MESSAGE2      = 86,
  BLF_OBJ_GLOBAL_MARKER     = 96,
  BLF_OBJ_CAN_FD_MESSAGE    = 100,
  BLF_OBJ_CAN_FD_MESSAGE_64 = 101,
  BLF_OBJ_CAN_FD_ERROR_64   = 104,
} BlfObjectType;

/* Object sizes as written (v1 header of 32 bytes + body). */
#define BLF_CAN_MESSAGE_SIZE        48
#define BLF_CAN_MESSAGE2_SIZE       56
#define BLF_CAN_ERROR_EXT_SIZE      64
#define BLF_CAN_FD_MESSAGE_SIZE     116   /* python-can's 84-byte body */
#define BLF_CAN_FD_MESSAGE_64_FIXED 72    /* + data */

/* Body flags */
#define BLF_CAN_ID_EXTENDED      0x80000000u
#define BLF_CAN_FLAG_TX          0x01
#define BLF_CAN_FLAG_RTR         0x80
#define BLF_FD_FLAG_EDL          0x01
#define BLF_FD_FLAG_BRS          0x02
#define BLF_FD_FLAG_ESI          0x04
#define BLF_FD64_FLAG_REMOTE     0x00000010u
#define BLF_FD64_FLAG_EDL        0x00001000u
#define BLF_FD64_FLAG_BRS        0x00002000u
#define BLF_FD64_FLAG_ESI        0x00004000u
#define BLF_ERR_EXT_DIR_RX       0x0020u
#define BLF_ERR_EXT_XDIR_MASK    0x3000u
#define BLF_ERR_EXT_XDIR_TX_BIT  0x1000u

static inline guint16
blf_read_u16 (const guint8 *p)
{
  guint16 v;
  memcpy (&v, p, sizeof v);
  return GUINT16_FROM_LE (v);
}

static inline guint32
blf_read_u32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

static inline guint64
blf_read_u64 (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

static inline void
blf_write_u16 (guint8  *p,
               guint16  v)
{
  v = GUINT16_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static inline void
blf_write_u32 (guint8  *p,
               guint32  v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static inline void
blf_write_u64 (guint8  *p,
               guint64  v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

/* SYSTEMTIME: year, month, day-of-week, day, hour, minute, second, ms. */
typedef struct
{
  guint16 year;
  guint16 month;
  guint16 day_of_week;
  guint16 day;
  guint16 hour;
  guint16 minute;
  guint16 second;
  guint16 milliseconds;
} BlfSystemTime;

typedef struct
{
  guint32       header_size;
  guint8        app_bytes[8];        /* bytes 8..15, copied verbatim */
  guint64       file_size;
  guint64       uncompressed_size;
  guint32       object_count;
  guint32       objects_read;
  BlfSystemTime start;
  BlfSystemTime stop;
  guint64       restore_points_offset;
} BlfFileHeader;

/* The decoded base + v1/v2 header of one object. */
typedef struct
{
  guint16 header_size;
  guint16 header_version;
  guint32 object_size;
  guint32 object_type;
  guint32 flags;
  guint64 timestamp;
} BlfObjectHeader;

/* Conversion of SYSTEMTIME to and from nanoseconds since the epoch, in
 * local time (Vector tools, python-can <= 4.5, Wireshark) or UTC
 * (python-can >= 4.6). An all-zero or implausible SYSTEMTIME is 0. */
gboolean _canopy_blf_systemtime_to_ns  (const BlfSystemTime *st,
                                        gboolean             utc,
                                        gint64              *ns);
void     _canopy_blf_ns_to_systemtime  (gint64               ns,
                                        gboolean             utc,
                                        BlfSystemTime       *st);

gboolean _canopy_blf_file_header_parse (const guint8        *buf,
                                        gsize                len,
                                        BlfFileHeader       *header,
                                        GError             **error);
void     _canopy_blf_file_header_write (const BlfFileHeader *header,
                                        guint8               buf[BLF_FILE_HEADER_SIZE]);

/* Base header at @p (at least 16 bytes). Returns FALSE if the signature is
 * not "LOBJ". */
static inline gboolean
blf_base_header_parse (const guint8    *p,
                       BlfObjectHeader *h)
{
  if (blf_read_u32 (p) != BLF_OBJ_SIGNATURE)
    return FALSE;
  h->header_size = blf_read_u16 (p + 4);
  h->header_version = blf_read_u16 (p + 6);
  h->object_size = blf_read_u32 (p + 8);
  h->object_type = blf_read_u32 (p + 12);
  h->flags = 0;
  h->timestamp = 0;
  return TRUE;
}

/* Outcome of decoding one inner object. */
typedef enum
{
  BLF_DECODE_FRAME,    /* @msg was filled */
  BLF_DECODE_SKIP,     /* a valid object that is not a frame */
  BLF_DECODE_BAD,      /* malformed: see @why */
} BlfDecodeResult;

/* Decode a whole object of @len (= object size) bytes whose base header was
 * already checked. @start_ns is the measurement start. Never reads outside
 * @obj[0..len). */
BlfDecodeResult _canopy_blf_decode_object (const guint8   *obj,
                                           gsize           len,
                                           gint64          start_ns,
                                           CanopyMessage  *msg,
                                           const char    **why);

/* Encoders: write one object (header + body + padding) at @out, which has
 * room for BLF_MAX_ENCODED_FRAME bytes, and return its size including
 * padding. @rel_ts is the timestamp relative to the file start in ns. */
#define BLF_MAX_ENCODED_FRAME 136

typedef enum
{
  BLF_CLASSIC_CAN_MESSAGE,
  BLF_CLASSIC_CAN_MESSAGE2,
} BlfClassicObject;

typedef enum
{
  BLF_FD_CAN_FD_MESSAGE_64,
  BLF_FD_CAN_FD_MESSAGE,
} BlfFdObject;

gsize _canopy_blf_encode_frame (guint8              *out,
                                const CanopyMessage *msg,
                                guint64              rel_ts,
                                BlfClassicObject     classic,
                                BlfFdObject          fd);

/* Events (APP_TEXT, GLOBAL_MARKER) are variable-sized: return the size
 * needed with @out NULL, or write into @out (which has at least that many
 * bytes). Strings longer than BLF_MAX_EVENT_TEXT are cut (at a character). */
gsize           _canopy_blf_encode_event (guint8               *out,
                                          const CanopyLogEvent *event,
                                          guint64               rel_ts);
static inline gboolean
blf_is_event_type (guint32 type)
{
  return type == BLF_OBJ_APP_TEXT || type == BLF_OBJ_GLOBAL_MARKER;
}

/* A new event from an APP_TEXT or GLOBAL_MARKER object of @len bytes
 * whose base header was checked, or NULL with @why. */
CanopyLogEvent *_canopy_blf_decode_event (const guint8         *obj,
                                          gsize                 len,
                                          gint64                start_ns,
                                          const char          **why);

/* Container (de)compression: independent zlib-format (RFC 1950) blocks,
 * done with libdeflate when built with it, zlib otherwise. Each thread owns
 * its own codec. */
typedef struct _BlfCodec BlfCodec;

typedef enum
{
  BLF_CODEC_AUTO,        /* libdeflate when built with it, else zlib */
  BLF_CODEC_ZLIB,
  BLF_CODEC_LIBDEFLATE,  /* falls back to zlib when not built with it */
} BlfCodecBackend;

BlfCodec   *_canopy_blf_codec_new          (BlfCodecBackend  backend,
                                            int              level);
void        _canopy_blf_codec_free         (BlfCodec        *codec);
const char *_canopy_blf_codec_get_name     (BlfCodec        *codec);
gsize       _canopy_blf_codec_bound        (BlfCodec        *codec,
                                            gsize            in_len);
/* Returns the compressed size, or 0 if @out_cap was too small. */
gsize       _canopy_blf_codec_compress     (BlfCodec        *codec,
                                            const guint8    *in,
                                            gsize            in_len,
                                            guint8          *out,
                                            gsize            out_cap);
/* Inflates exactly @out_len bytes. On failure (corrupt or truncated
 * stream, wrong size) it salvages what inflates: *@produced says how many
 * leading bytes of @out are good. */
gboolean    _canopy_blf_codec_decompress   (BlfCodec        *codec,
                                            const guint8    *in,
                                            gsize            in_len,
                                            guint8          *out,
                                            gsize            out_len,
                                            gsize           *produced);
gboolean    _canopy_blf_codec_have_libdeflate (void);
/* The codec of the calling thread (worker threads of the (de)compression
 * pools), created on first use and freed when the thread ends. */
BlfCodec   *_canopy_blf_codec_get_for_thread  (int level);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BlfCodec, _canopy_blf_codec_free)

G_END_DECLS
