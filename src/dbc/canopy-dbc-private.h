/* canopy-dbc-private.h — the layout of signal and message definitions,
 * shared by the parser, the codec and the signal-level task
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-database.h"
#include "canopy-message-def.h"
#include "canopy-signal-def.h"
#include "canopy-signal-value.h"

G_BEGIN_DECLS

/* The most multiplexor signals one message may have: the decoder keeps
 * their raw values on the stack. */
#define CANOPY_DBC_MAX_MULTIPLEXORS 16

typedef struct
{
  gint64  raw;
  char   *text;
} CanopyValueText;

typedef struct
{
  guint64 low;
  guint64 high;
} CanopyMuxRange;

struct _CanopySignalDef
{
  GObject               parent_instance;

  char                 *name;
  char                 *unit;
  char                 *comment;
  GStrv                 receivers;
  GHashTable           *attributes;      /* name → char *, nullable */

  double                factor;
  double                offset;
  double                minimum;
  double                maximum;
  double                start_value;     /* GenSigStartValue, raw */

  guint16               start_bit;       /* as written in the DBC */
  guint16               length;          /* 1 … 64 */
  CanopyByteOrder       byte_order;
  CanopySignalValueType value_type;
  guint                 is_signed : 1;
  guint                 is_multiplexor : 1;
  guint                 has_start_value : 1;

  /* Where the least significant bit sits (bit lsb_shift of byte lsb_byte)
   * and how many bytes the signal touches from there: towards higher
   * bytes for Intel, towards lower bytes for Motorola. */
  guint8                lsb_byte;
  guint8                lsb_shift;
  guint8                n_bytes;
  guint8                last_byte;       /* the highest byte touched */
  gint8                 decimals;        /* digits that show its resolution, -1: any */
  gint64                scaled_factor;   /* factor and offset × 10^decimals, exact */
  gint64                scaled_offset;
  guint                 index;           /* in its message's signals */

  /* Multiplexing: the slot of the switch that selects the signal (-1 for a
   * signal that is always present), and the switch values selecting it. */
  int                   mux_switch;
  int                   mux_slot;        /* for a multiplexor: its own slot, else -1 */
  guint                 n_mux_ranges;
  CanopyMuxRange       *mux_ranges;
  char                 *mux_switch_name; /* from SG_MUL_VAL_, before resolution */

  guint                 n_value_texts;   /* sorted by raw */
  CanopyValueText      *value_texts;
};

struct _CanopyMessageDef
{
  GObject           parent_instance;

  char             *name;
  char             *sender;
  char             *comment;
  GStrv             transmitters;
  GHashTable       *attributes;          /* name → char *, nullable */
  GPtrArray        *signals;             /* CanopySignalDef, in file order */
  GHashTable       *signals_by_name;
  GHashTable       *signal_groups;       /* name → GStrv, nullable */
  guint            *decode_order;        /* indexes: switches before what they select */
  guint             n_multiplexors;

  guint32           arbitration_id;      /* without the DBC's extended bit */
  guint             size;                /* bytes */
  guint             cycle_time_ms;
  guint             is_extended : 1;
  guint             is_fd : 1;
  guint             is_j1939 : 1;
};

/* canopy-signal-def.c */
CanopySignalDef  *_canopy_signal_def_new             (const char         *name);
gboolean          _canopy_signal_def_compute_layout  (CanopySignalDef    *self,
                                                      guint               size);
guint64           _canopy_signal_def_extract         (const CanopySignalDef *self,
                                                      const guint8       *data);
void              _canopy_signal_def_insert          (const CanopySignalDef *self,
                                                      guint8             *data,
                                                      guint64             raw_bits);
gint64            _canopy_signal_def_raw_from_bits   (const CanopySignalDef *self,
                                                      guint64             bits);
double            _canopy_signal_def_physical        (const CanopySignalDef *self,
                                                      guint64             bits);
gboolean          _canopy_signal_def_to_bits         (const CanopySignalDef *self,
                                                      double              value,
                                                      guint64            *bits,
                                                      GError            **error);
gboolean          _canopy_signal_def_selected        (const CanopySignalDef *self,
                                                      const guint64      *mux_raw,
                                                      const gboolean     *mux_active);
void              _canopy_signal_def_set_attribute   (CanopySignalDef    *self,
                                                      const char         *name,
                                                      const char         *value);

/* canopy-message-def.c */
CanopyMessageDef *_canopy_message_def_new            (const char         *name,
                                                      guint32             dbc_id,
                                                      guint               size);
void              _canopy_message_def_add_signal     (CanopyMessageDef   *self,
                                                      CanopySignalDef    *signal);
gboolean          _canopy_message_def_resolve_multiplexing (CanopyMessageDef *self,
                                                      GString            *problem);
guint64           _canopy_message_def_start_bits     (CanopyMessageDef   *self,
                                                      guint               index);
guint32           _canopy_j1939_pgn                  (guint32             arbitration_id);
void              _canopy_message_def_set_attribute  (CanopyMessageDef   *self,
                                                      const char         *name,
                                                      const char         *value);
gboolean          _canopy_message_def_pack           (CanopyMessageDef   *self,
                                                      const guint64      *bits,
                                                      const gboolean     *given,
                                                      guint8             *data,
                                                      GError            **error);

/* canopy-signal-value.c */
void              _canopy_signal_value_init          (CanopySignalValue  *value,
                                                      CanopySignalDef    *signal,
                                                      guint64             bits);

/* canopy-dbc-parser.c: fills @db from the text of a DBC file. */
gboolean          _canopy_dbc_parse                  (CanopyDatabase     *db,
                                                      const char         *data,
                                                      gsize               len,
                                                      GError            **error);

/* canopy-database.c: the parser hands over what it built. */
void              _canopy_database_add_message       (CanopyDatabase     *db,
                                                      CanopyMessageDef   *message);
void              _canopy_database_add_problem       (CanopyDatabase     *db,
                                                      guint               line,
                                                      const char         *what);
void              _canopy_database_set_info          (CanopyDatabase     *db,
                                                      const char         *version,
                                                      GStrv               nodes,
                                                      const char         *comment,
                                                      GHashTable         *attributes);
void              _canopy_database_add_value_table   (CanopyDatabase     *db,
                                                      const char         *name,
                                                      CanopyValueText    *texts,
                                                      guint               n_texts);

G_END_DECLS
