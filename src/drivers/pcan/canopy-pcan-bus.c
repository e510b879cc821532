/* canopy-pcan-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "canopy-error.h"
#include "canopy-pcan-bus.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
#include "canopy-error-frame-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-options-private.h"
#include "canopy-pcan-api-private.h"
#include "canopy-pcan-bus-private.h"
#include "canopy-vendor-library-private.h"
#include "canopy-vendor-wait-private.h"

#ifdef G_OS_WIN32
/* After our headers: windows.h defines `interface`, a parameter name. */
# include <windows.h>
# undef interface
#endif

/**
 * CanopyPcanBus:
 *
 * python-can's `pcan` interface: PEAK-System adapters through the
 * PCAN-Basic library (`PCANBasic.dll` on Windows, `libpcanbasic.so` on
 * Linux, `libPCBUSB.dylib` on macOS), loaded when a bus opens — Canopy
 * needs no PEAK software to build. The option `library` or the variable
 * `CANOPY_PCAN_LIBRARY` names another file.
 *
 * The channel is a PCAN channel name, `PCAN_USBBUS1` (python-can's
 * default), `PCAN_PCIBUS2`, `PCAN_LANBUS1`, …, or its handle as a number.
 * Options: `bitrate` (5000 … 1000000, default 500000); `fd` with
 * python-can's timing options `f_clock` or `f_clock_mhz`, `nom_brp`,
 * `nom_tseg1`, `nom_tseg2`, `nom_sjw`, `data_brp`, `data_tseg1`,
 * `data_tseg2`, `data_sjw` for CAN FD.
 *
 * Receiving waits on the library's receive event; timestamps (the
 * adapter's microseconds since boot) are turned into Unix time with an
 * offset taken at open. Error frames and status changes arrive as error
 * frames in SocketCAN's layout. Filters that name single identifiers are
 * set in the adapter (CAN_FilterMessages), all filters also apply here.
 */

#define DEFAULT_BITRATE 500000

struct _CanopyPcanBus
{
  CanopyBus           parent_instance;

  char               *channel;
  char               *library_path;
  guint               bitrate;
  gboolean            fd;
  char               *fd_timing;

  GModule            *module;
  CanopyPcanApi       api;
  CanopyPcanHandle    handle;
  gboolean            initialized;
  CanopyVendorWaiter  waiter;
  gboolean            have_waiter;     /* the library signals frames */
  gboolean            waiter_ready;
  gint64              unix_offset_us;
  GMutex              read_mutex;
  CanopyPcanStatus    last_bus_status;
};

struct _CanopyPcanBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyPcanBus, canopy_pcan_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

static const char * const library_names[] = {
#if defined(G_OS_WIN32)
  "PCANBasic.dll",
#elif defined(__APPLE__)
  "libPCBUSB.dylib",
#else
  "libpcanbasic.so",
  "libpcanbasic.so.4",
#endif
  NULL
};

static const struct {
  guint   bitrate;
  guint16 btr0btr1;
} bitrates[] = {
  { 1000000, 0x0014 }, { 800000, 0x0016 }, { 500000, 0x001C }, { 250000, 0x011C },
  { 125000, 0x031C }, { 100000, 0x432F }, { 95000, 0xC34E }, { 83000, 0x852B },
  { 50000, 0x472F }, { 47000, 0x1414 }, { 33000, 0x8B2F }, { 20000, 0x532F },
  { 10000, 0x672F }, { 5000, 0x7F7F },
};

static const struct {
  const char *prefix;
  guint16     first;      /* channel 1 */
  guint16     ninth;      /* channel 9, 0 when there is none */
  guint       max;
} channel_kinds[] = {
  { "PCAN_ISABUS", 0x21, 0, 8 },
  { "PCAN_DNGBUS", 0x31, 0, 1 },
  { "PCAN_PCIBUS", 0x41, 0x409, 16 },
  { "PCAN_USBBUS", 0x51, 0x509, 16 },
  { "PCAN_PCCBUS", 0x61, 0, 2 },
  { "PCAN_LANBUS", 0x801, 0x809, 16 },
};

static gboolean
parse_channel (const char        *channel,
               CanopyPcanHandle  *handle,
               GError           **error)
{
  char *end = NULL;
  guint64 value;

  for (guint i = 0; i < G_N_ELEMENTS (channel_kinds); i++)
    if (channel != NULL && g_str_has_prefix (channel, channel_kinds[i].prefix))
      {
        const char *number = channel + strlen (channel_kinds[i].prefix);

        value = g_ascii_strtoull (number, &end, 10);
        if (end != number && *end == '\0' && value >= 1 && value <= channel_kinds[i].max)
          {
            *handle = value <= 8 ? channel_kinds[i].first + value - 1 : channel_kinds[i].ninth + value - 9;
            return TRUE;
          }
      }

  if (channel != NULL)
    {
      value = g_ascii_strtoull (channel, &end, 0);
      if (end != channel && *end == '\0' && value > 0 && value <= G_MAXUINT16)
        {
          *handle = value;
          return TRUE;
        }
    }

  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
               "“%s” is not a PCAN channel (PCAN_USBBUS1 … PCAN_USBBUS16, PCAN_PCIBUS1, PCAN_LANBUS1, …)",
               channel ? channel : "");
  return FALSE;
}

static void
set_status_error (CanopyPcanBus     *self,
                  GError           **error,
                  const char        *what,
                  CanopyPcanStatus   status)
{
  char text[256] = "";
  int code = CANOPY_ERROR_IO;

  if (self->api.get_error_text == NULL ||
      self->api.get_error_text (status, 0x09 /* English */, text) != CANOPY_PCAN_ERROR_OK)
    g_snprintf (text, sizeof text, "status 0x%x", status);
  if (status & (CANOPY_PCAN_ERROR_ILLHW | CANOPY_PCAN_ERROR_NODRIVER | CANOPY_PCAN_ERROR_INITIALIZE))
    code = CANOPY_ERROR_CONNECTION_LOST;

  g_set_error (error, CANOPY_ERROR, code, "PCAN channel %s: %s: %s", self->channel, what, text);
}

static void
status_error_frame (CanopyPcanStatus  status,
                    gint64            timestamp_ns,
                    CanopyMessage    *msg)
{
  guint32 classes = 0;
  guint8 controller = 0;

  if (status & CANOPY_PCAN_ERROR_BUSOFF)
    classes |= CANOPY_ERROR_CLASS_BUS_OFF;
  if (status & CANOPY_PCAN_ERROR_BUSPASSIVE)
    controller |= CANOPY_ERROR_CTRL_RX_PASSIVE | CANOPY_ERROR_CTRL_TX_PASSIVE;
  if (status & (CANOPY_PCAN_ERROR_BUSLIGHT | CANOPY_PCAN_ERROR_BUSHEAVY))
    controller |= CANOPY_ERROR_CTRL_RX_WARNING | CANOPY_ERROR_CTRL_TX_WARNING;
  if (status & (CANOPY_PCAN_ERROR_OVERRUN | CANOPY_PCAN_ERROR_QOVERRUN))
    controller |= CANOPY_ERROR_CTRL_RX_OVERFLOW;
  if (controller != 0)
    classes |= CANOPY_ERROR_CLASS_CONTROLLER;

  _canopy_error_frame_init (msg, classes, controller, timestamp_ns);
}

#define BUS_STATUS_BITS (CANOPY_PCAN_ERROR_BUSLIGHT | CANOPY_PCAN_ERROR_BUSHEAVY | CANOPY_PCAN_ERROR_BUSPASSIVE | \
                         CANOPY_PCAN_ERROR_BUSOFF | CANOPY_PCAN_ERROR_OVERRUN | CANOPY_PCAN_ERROR_QOVERRUN)

/* One frame from the library's queue: OK with @msg set, QRCVEMPTY, or
 * another status. */
static CanopyPcanStatus
read_one (CanopyPcanBus *self,
          CanopyMessage *msg)
{
  CanopyPcanStatus status;
  guint64 micros;
  guint8 msgtype;
  guint32 id;

  memset (msg, 0, sizeof *msg);
  msg->channel = CANOPY_CHANNEL_NONE;

  if (self->fd)
    {
      CanopyPcanMsgFD m;
      static const guint8 lengths[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64 };

      status = self->api.read_fd (self->handle, &m, &micros);
      if (status != CANOPY_PCAN_ERROR_OK)
        return status;
      msgtype = m.msgtype;
      id = m.id;
      msg->dlc = (msgtype & CANOPY_PCAN_MESSAGE_FD) ? lengths[m.dlc & 0xF] : MIN (m.dlc, 8);
      memcpy (msg->data, m.data, msg->dlc);
    }
  else
    {
      CanopyPcanMsg m;
      CanopyPcanTimestamp ts;

      status = self->api.read (self->handle, &m, &ts);
      if (status != CANOPY_PCAN_ERROR_OK)
        return status;
      msgtype = m.msgtype;
      id = m.id;
      micros = ts.micros + 1000 * ((guint64) ts.millis + ((guint64) ts.millis_overflow << 32));
      msg->dlc = MIN (m.len, 8);
      memcpy (msg->data, m.data, msg->dlc);
    }

  msg->timestamp_ns = ((gint64) micros + self->unix_offset_us) * 1000;

  if (msgtype & CANOPY_PCAN_MESSAGE_STATUS)
    {
      /* A status change: report it as the controller's state. */
      status_error_frame (self->api.get_status (self->handle), msg->timestamp_ns, msg);
      return CANOPY_PCAN_ERROR_OK;
    }
  if (msgtype & CANOPY_PCAN_MESSAGE_ERRFRAME)
    {
      /* PCAN puts the kind of protocol error in the identifier. */
      guint8 kind = id & 0xFF;

      _canopy_error_frame_init (msg, CANOPY_ERROR_CLASS_PROTOCOL | CANOPY_ERROR_CLASS_BUS_ERROR, 0,
                                msg->timestamp_ns);
      msg->data[2] = kind;
      return CANOPY_PCAN_ERROR_OK;
    }

  msg->arbitration_id = id & ((msgtype & CANOPY_PCAN_MESSAGE_EXTENDED) ? 0x1FFFFFFFu : 0x7FFu);
  msg->flags = ((msgtype & CANOPY_PCAN_MESSAGE_EXTENDED) ? CANOPY_MESSAGE_EXTENDED : 0) |
               ((msgtype & CANOPY_PCAN_MESSAGE_RTR) ? CANOPY_MESSAGE_REMOTE : 0) |
               ((msgtype & CANOPY_PCAN_MESSAGE_FD) ? CANOPY_MESSAGE_FD : 0) |
               ((msgtype & CANOPY_PCAN_MESSAGE_BRS) ? CANOPY_MESSAGE_BRS : 0) |
               ((msgtype & CANOPY_PCAN_MESSAGE_ESI) ? CANOPY_MESSAGE_ESI : 0);
  return CANOPY_PCAN_ERROR_OK;
}

static gboolean
canopy_pcan_bus_recv (CanopyBus      *bus,
                      CanopyMessage  *msg,
                      double          timeout,
                      GError        **error)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (bus);
  gint64 deadline = timeout < 0 ? -1 : g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  gboolean ret = FALSE;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  g_mutex_lock (&self->read_mutex);
  for (;;)
    {
      CanopyPcanStatus status = read_one (self, msg);
      CanopyPcanStatus bus_status;
      int wait_ms;

      if (status == CANOPY_PCAN_ERROR_OK)
        {
          ret = TRUE;
          break;
        }

      /* A change of the bus state without a status message: report it
       * once, as an error frame. */
      bus_status = status & BUS_STATUS_BITS;
      if (bus_status != 0 && bus_status != self->last_bus_status)
        {
          self->last_bus_status = bus_status;
          status_error_frame (bus_status, _canopy_clock_realtime_ns (), msg);
          ret = TRUE;
          break;
        }
      self->last_bus_status = bus_status;

      if (!(status & CANOPY_PCAN_ERROR_QRCVEMPTY) && (status & ~BUS_STATUS_BITS) != 0)
        {
          set_status_error (self, error, "reading failed", status);
          break;
        }

      if (deadline < 0)
        wait_ms = -1;
      else
        {
          gint64 left = deadline - g_get_monotonic_time ();

          if (left <= 0)
            break;
          wait_ms = (int) ((left + 999) / 1000);
        }

      /* No receive event (an old library): poll gently. */
      if (!self->have_waiter)
        wait_ms = wait_ms < 0 ? 10 : MIN (wait_ms, 10);

      if (_canopy_vendor_waiter_wait (&self->waiter, wait_ms) == CANOPY_VENDOR_WAIT_WOKEN)
        {
          _canopy_bus_check_open (bus, error);
          break;
        }
    }
  g_mutex_unlock (&self->read_mutex);

  return ret;
}

static gboolean
canopy_pcan_bus_send (CanopyBus            *bus,
                      const CanopyMessage  *msg,
                      double                timeout,
                      GError              **error)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (bus);
  gint64 deadline = timeout < 0 ? G_MAXINT64 : g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  guint8 msgtype;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  if (msg->flags & CANOPY_MESSAGE_ERROR)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED, "PCAN cannot send error frames");
      return FALSE;
    }
  if ((msg->flags & CANOPY_MESSAGE_FD) && !self->fd)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "PCAN channel %s was not opened for CAN FD (option fd)", self->channel);
      return FALSE;
    }

  msgtype = ((msg->flags & CANOPY_MESSAGE_EXTENDED) ? CANOPY_PCAN_MESSAGE_EXTENDED : 0) |
            ((msg->flags & CANOPY_MESSAGE_REMOTE) ? CANOPY_PCAN_MESSAGE_RTR : 0) |
            ((msg->flags & CANOPY_MESSAGE_FD) ? CANOPY_PCAN_MESSAGE_FD : 0) |
            ((msg->flags & CANOPY_MESSAGE_BRS) ? CANOPY_PCAN_MESSAGE_BRS : 0);

  for (;;)
    {
      CanopyPcanStatus status;

      if (self->fd)
        {
          CanopyPcanMsgFD m = { .id = msg->arbitration_id, .msgtype = msgtype };
          static const guint8 codes[65] = {
            0, 1, 2, 3, 4, 5, 6, 7, 8, [12] = 9, [16] = 10, [20] = 11, [24] = 12, [32] = 13, [48] = 14, [64] = 15,
          };

          m.dlc = msg->dlc <= 8 ? msg->dlc : codes[MIN (msg->dlc, 64)];
          if (msg->dlc > 8 && m.dlc == 0)
            {
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "%u bytes is not a CAN FD length", msg->dlc);
              return FALSE;
            }
          memcpy (m.data, msg->data, msg->dlc);
          status = self->api.write_fd (self->handle, &m);
        }
      else
        {
          CanopyPcanMsg m = { .id = msg->arbitration_id, .msgtype = msgtype, .len = msg->dlc };

          memcpy (m.data, msg->data, MIN (msg->dlc, 8));
          status = self->api.write (self->handle, &m);
        }

      if (status == CANOPY_PCAN_ERROR_OK)
        return TRUE;
      if (!(status & (CANOPY_PCAN_ERROR_XMTFULL | CANOPY_PCAN_ERROR_QXMTFULL)))
        {
          set_status_error (self, error, "sending failed", status);
          return FALSE;
        }
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                       "PCAN channel %s: the transmit queue stayed full", self->channel);
          return FALSE;
        }
      g_usleep (500);
    }
}

/* Single identifiers go to the adapter's filter; everything is filtered
 * here as well, so the result is the same either way. */
static gboolean
canopy_pcan_bus_set_filters (CanopyBus           *bus,
                             const CanopyFilter  *filters,
                             guint                n_filters,
                             gboolean            *software,
                             GError             **error)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (bus);
  guint8 mode = CANOPY_PCAN_FILTER_OPEN;
  gboolean exact = n_filters > 0;

  *software = TRUE;

  for (guint i = 0; i < n_filters; i++)
    {
      guint32 full = filters[i].extended ? 0x1FFFFFFFu : 0x7FFu;

      if ((filters[i].can_mask & full) != full)
        exact = FALSE;
    }

  if (!exact)
    {
      self->api.set_value (self->handle, CANOPY_PCAN_MESSAGE_FILTER, &mode, 1);
      return TRUE;
    }

  mode = CANOPY_PCAN_FILTER_CLOSE;
  self->api.set_value (self->handle, CANOPY_PCAN_MESSAGE_FILTER, &mode, 1);
  for (guint i = 0; i < n_filters; i++)
    {
      CanopyPcanStatus status = self->api.filter_messages (self->handle, filters[i].can_id, filters[i].can_id,
                                                           filters[i].extended ? CANOPY_PCAN_MODE_EXTENDED
                                                                               : CANOPY_PCAN_MODE_STANDARD);

      if (status != CANOPY_PCAN_ERROR_OK)
        {
          mode = CANOPY_PCAN_FILTER_OPEN;
          self->api.set_value (self->handle, CANOPY_PCAN_MESSAGE_FILTER, &mode, 1);
          break;
        }
    }
  return TRUE;
}

static void
canopy_pcan_bus_shutdown (CanopyBus *bus)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (bus);

  if (self->waiter_ready)
    _canopy_vendor_waiter_wake (&self->waiter);

  /* Wait for a reader to leave the library before uninitializing. */
  g_mutex_lock (&self->read_mutex);
  if (self->initialized)
    self->api.uninitialize (self->handle);
  self->initialized = FALSE;
  g_mutex_unlock (&self->read_mutex);
}

static void
canopy_pcan_bus_update_statistics (CanopyBus           *bus,
                                   CanopyBusStatistics *stats)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (bus);
  CanopyPcanStatus status;

  if (!self->initialized)
    return;

  status = self->api.get_status (self->handle);
  if (status & CANOPY_PCAN_ERROR_BUSOFF)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_BUS_OFF);
  else if (status & CANOPY_PCAN_ERROR_BUSPASSIVE)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_PASSIVE);
  else if (status & (CANOPY_PCAN_ERROR_BUSLIGHT | CANOPY_PCAN_ERROR_BUSHEAVY))
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_WARNING);
  else if (status == CANOPY_PCAN_ERROR_OK)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_ACTIVE);
}

/* python-can's CAN FD timing options, in PCAN-Basic's bit rate string. */
static char *
build_fd_timing (GHashTable  *options,
                 GError     **error)
{
  static const char * const keys[] = {
    "f_clock", "f_clock_mhz", "nom_brp", "nom_tseg1", "nom_tseg2", "nom_sjw",
    "data_brp", "data_tseg1", "data_tseg2", "data_sjw",
  };
  g_autoptr(GString) timing = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      guint64 value;

      if (options == NULL || !g_hash_table_contains (options, keys[i]))
        continue;
      if (!_canopy_options_get_uint (options, keys[i], 0, G_MAXUINT32, &value, error))
        return NULL;
      g_string_append_printf (timing, "%s%s=%" G_GUINT64_FORMAT, timing->len ? "," : "", keys[i], value);
    }

  if (timing->len == 0)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "PCAN CAN FD needs its timing: f_clock (or f_clock_mhz), nom_brp, nom_tseg1, "
                           "nom_tseg2, nom_sjw, data_brp, data_tseg1, data_tseg2, data_sjw");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&timing), FALSE);
}

static guint
timing_value (const char *timing,
              const char *key)
{
  g_autofree char *needle = g_strconcat (key, "=", NULL);
  const char *p = timing;

  /* Whole keys only: nom_brp= must not match in data_nom_brp=. */
  while ((p = strstr (p, needle)) != NULL)
    {
      if (p == timing || p[-1] == ',')
        return (guint) g_ascii_strtoull (p + strlen (needle), NULL, 10);
      p++;
    }
  return 0;
}

/* The nominal and data bit rates the timing gives, for the bus load. */
static void
set_fd_bitrates (CanopyPcanBus *self)
{
  guint clock = timing_value (self->fd_timing, "f_clock");
  guint nom, data;

  if (clock == 0)
    clock = timing_value (self->fd_timing, "f_clock_mhz") * 1000000;
  nom = timing_value (self->fd_timing, "nom_brp") *
        (1 + timing_value (self->fd_timing, "nom_tseg1") + timing_value (self->fd_timing, "nom_tseg2"));
  data = timing_value (self->fd_timing, "data_brp") *
         (1 + timing_value (self->fd_timing, "data_tseg1") + timing_value (self->fd_timing, "data_tseg2"));
  if (clock > 0 && nom > 0)
    canopy_bus_set_bitrate (CANOPY_BUS (self), clock / nom);
  if (clock > 0 && data > 0)
    canopy_bus_set_data_bitrate (CANOPY_BUS (self), clock / data);
}

static gboolean
canopy_pcan_bus_configure (CanopyBus   *bus,
                           const char  *channel,
                           GHashTable  *options,
                           GError     **error)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (bus);
  guint64 bitrate;

  if (!_canopy_options_get_uint (options, "bitrate", 0, G_MAXUINT, &bitrate, error) ||
      !_canopy_options_get_boolean (options, "fd", FALSE, &self->fd, error))
    return FALSE;

  self->bitrate = bitrate;
  g_free (self->channel);
  self->channel = g_strdup (channel != NULL && *channel ? channel : "PCAN_USBBUS1");
  g_free (self->library_path);
  self->library_path = g_strdup (options ? g_hash_table_lookup (options, "library") : NULL);

  if (self->fd && !(self->fd_timing = build_fd_timing (options, error)))
    return FALSE;
  return TRUE;
}

static gboolean
load_library (CanopyPcanBus  *self,
              GError        **error)
{
  const CanopyVendorSymbol symbols[] = {
    { "CAN_Initialize", (gpointer *) &self->api.initialize, FALSE },
    { "CAN_InitializeFD", (gpointer *) &self->api.initialize_fd, TRUE },
    { "CAN_Uninitialize", (gpointer *) &self->api.uninitialize, FALSE },
    { "CAN_GetStatus", (gpointer *) &self->api.get_status, FALSE },
    { "CAN_Read", (gpointer *) &self->api.read, FALSE },
    { "CAN_ReadFD", (gpointer *) &self->api.read_fd, TRUE },
    { "CAN_Write", (gpointer *) &self->api.write, FALSE },
    { "CAN_WriteFD", (gpointer *) &self->api.write_fd, TRUE },
    { "CAN_FilterMessages", (gpointer *) &self->api.filter_messages, FALSE },
    { "CAN_GetValue", (gpointer *) &self->api.get_value, FALSE },
    { "CAN_SetValue", (gpointer *) &self->api.set_value, FALSE },
    { "CAN_GetErrorText", (gpointer *) &self->api.get_error_text, TRUE },
  };

  self->module = _canopy_vendor_library_open ("pcan", self->library_path, "CANOPY_PCAN_LIBRARY", library_names,
                                              symbols, G_N_ELEMENTS (symbols), error);
  return self->module != NULL;
}

static gboolean
canopy_pcan_bus_open (CanopyBus     *bus,
                      GCancellable  *cancellable,
                      GError       **error)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (bus);
  char name[CANOPY_PCAN_MAX_HARDWARE_NAME] = "";
  g_autofree char *info = NULL;
  CanopyPcanStatus status;
  guint8 on = CANOPY_PCAN_PARAMETER_ON;
  guint16 btr0btr1 = 0;

  if (!parse_channel (self->channel, &self->handle, error))
    return FALSE;

  /* A bus made with g_object_new() has its bit rate in the base. */
  if (self->bitrate == 0)
    self->bitrate = canopy_bus_get_bitrate (bus) ? canopy_bus_get_bitrate (bus) : DEFAULT_BITRATE;

  if (!self->fd)
    {
      for (guint i = 0; i < G_N_ELEMENTS (bitrates); i++)
        if (bitrates[i].bitrate == self->bitrate)
          btr0btr1 = bitrates[i].btr0btr1;
      if (btr0btr1 == 0)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "PCAN has no bit rate code for %u bit/s (1000000, 800000, 500000, 250000, 125000, "
                       "100000, 95000, 83000, 50000, 47000, 33000, 20000, 10000, 5000)", self->bitrate);
          return FALSE;
        }
    }

  if (!load_library (self, error))
    return FALSE;

  if (self->fd && (self->api.initialize_fd == NULL || self->api.read_fd == NULL || self->api.write_fd == NULL))
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                           "This PCAN-Basic library has no CAN FD functions (CAN_InitializeFD)");
      return FALSE;
    }

  status = self->fd ? self->api.initialize_fd (self->handle, self->fd_timing)
                    : self->api.initialize (self->handle, btr0btr1, 0, 0, 0);
  if (status != CANOPY_PCAN_ERROR_OK)
    {
      set_status_error (self, error, "cannot open", status);
      if (g_error_matches (*error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST))
        (*error)->code = CANOPY_ERROR_NOT_AVAILABLE;
      return FALSE;
    }
  self->initialized = TRUE;
  if (!self->fd)
    canopy_bus_set_bitrate (bus, self->bitrate);
  else
    set_fd_bitrates (self);
  self->unix_offset_us = _canopy_clock_realtime_ns () / 1000 - _canopy_vendor_boottime_us ();

  /* Error frames and status changes, where the library knows them. */
  self->api.set_value (self->handle, CANOPY_PCAN_ALLOW_ERROR_FRAMES, &on, 1);
  self->api.set_value (self->handle, CANOPY_PCAN_ALLOW_STATUS_FRAMES, &on, 1);

  if (!_canopy_vendor_waiter_init (&self->waiter, error))
    return FALSE;
  self->waiter_ready = TRUE;
#ifdef G_OS_WIN32
  {
    HANDLE event = (HANDLE) _canopy_vendor_waiter_new_event ();

    if (event != NULL && self->api.set_value (self->handle, CANOPY_PCAN_RECEIVE_EVENT, &event, sizeof event) ==
        CANOPY_PCAN_ERROR_OK)
      {
        self->waiter.native = (gintptr) event;
        self->have_waiter = TRUE;
      }
  }
#else
  {
    int fd = -1;

    /* On Linux the receive event is a file descriptor to wait on. */
    if (self->api.get_value (self->handle, CANOPY_PCAN_RECEIVE_EVENT, &fd, sizeof fd) == CANOPY_PCAN_ERROR_OK &&
        fd >= 0)
      {
        self->waiter.native = fd;
        self->have_waiter = TRUE;
      }
  }
#endif
  self->api.get_value (self->handle, CANOPY_PCAN_HARDWARE_NAME, name, sizeof name);
  name[sizeof name - 1] = '\0';
  info = g_strdup_printf ("PCAN %s%s%s%s, %u bit/s%s", self->channel, *name ? " (" : "", name, *name ? ")" : "",
                          self->bitrate, self->fd ? ", CAN FD" : "");
  _canopy_bus_set_channel_info (bus, info);
  return TRUE;
}

static void
canopy_pcan_bus_finalize (GObject *object)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (object);

  if (self->initialized)
    self->api.uninitialize (self->handle);
#ifdef G_OS_WIN32
  if (self->waiter.native != 0)
    CloseHandle ((HANDLE) self->waiter.native);
#endif
  if (self->waiter_ready)
    _canopy_vendor_waiter_clear (&self->waiter);
  g_mutex_clear (&self->read_mutex);
  g_free (self->channel);
  g_free (self->library_path);
  g_free (self->fd_timing);

  G_OBJECT_CLASS (canopy_pcan_bus_parent_class)->finalize (object);
}

static void
canopy_pcan_bus_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_string (value, self->channel);
      break;


    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_pcan_bus_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CanopyPcanBus *self = CANOPY_PCAN_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_free (self->channel);
      self->channel = g_value_dup_string (value);
      if (self->channel == NULL)
        self->channel = g_strdup ("PCAN_USBBUS1");
      break;


    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_pcan_bus_class_init (CanopyPcanBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_pcan_bus_finalize;
  object_class->get_property = canopy_pcan_bus_get_property;
  object_class->set_property = canopy_pcan_bus_set_property;

  bus_class->configure = canopy_pcan_bus_configure;
  bus_class->open = canopy_pcan_bus_open;
  bus_class->send = canopy_pcan_bus_send;
  bus_class->recv = canopy_pcan_bus_recv;
  bus_class->set_filters = canopy_pcan_bus_set_filters;
  bus_class->shutdown = canopy_pcan_bus_shutdown;
  bus_class->update_statistics = canopy_pcan_bus_update_statistics;

  /**
   * CanopyPcanBus:channel:
   *
   * The PCAN channel: `PCAN_USBBUS1`, `PCAN_PCIBUS2`, … or a handle.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_string ("channel", NULL, NULL, "PCAN_USBBUS1",
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));


  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_pcan_bus_init (CanopyPcanBus *self)
{
  g_mutex_init (&self->read_mutex);
  self->channel = g_strdup ("PCAN_USBBUS1");
}

void
_canopy_pcan_bus_register (void)
{
  _canopy_interface_register ("pcan", NULL, CANOPY_TYPE_PCAN_BUS,
                              "PEAK-System PCAN adapters (PCAN-Basic)",
                              "PEAK's PCAN-Basic library (" 
#if defined(G_OS_WIN32)
                              "PCANBasic.dll"
#elif defined(__APPLE__)
                              "libPCBUSB.dylib"
#else
                              "libpcanbasic.so"
#endif
                              "); channel PCAN_USBBUS1 …");
}
