/* canopy-demo-traffic.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "canopy-clock-private.h"
#include "canopy-virtual-bus-private.h"

/* A small simulated vehicle on the `demo` channel, so that a first start
 * without hardware shows living traffic: periodic frames from 10 ms to 1 s
 * whose signals change (engine speed sweeping, wheel speeds following,
 * rolling counters and checksums), two J1939-style extended ids, and a
 * door event frame at irregular times. */

typedef struct _DemoEcu DemoEcu;
typedef void (*DemoFillFunc) (DemoEcu *ecu, double t, CanopyMessage *msg);

struct _DemoEcu
{
  guint32      id;
  gboolean     extended;
  guint8       dlc;
  gint64       period_ns;
  DemoFillFunc fill;
  gint64       next_ns;
  guint8       counter;
};

struct _CanopyDemoTraffic
{
  CanopyVirtualChannel *channel;
  GThread              *thread;
  GMutex                mutex;
  GCond                 cond;
  gboolean              stop;
  DemoEcu              *ecus;
  guint                 n_ecus;
  GRand                *rand;
  gint64                next_event_ns;
  guint8                doors;
};

#define MS(x) ((gint64) (x) * 1000000)

static double
engine_rpm (double t)
{
  return 2600 + 1800 * sin (t * 0.4) + 120 * sin (t * 3.1);
}

static double
vehicle_speed_kmh (double t)
{
  return MAX (0, 62 + 48 * sin (t * 0.4 - 0.6));
}

static void
put_le16 (guint8 *p,
          guint   v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
}

static guint8
xor_checksum (const guint8 *data,
              guint         len)
{
  guint8 sum = 0;

  for (guint i = 0; i < len; i++)
    sum ^= data[i];
  return sum;
}

static void
fill_engine (DemoEcu *ecu, double t, CanopyMessage *msg)
{
  put_le16 (msg->data, (guint) (engine_rpm (t) * 4));
  msg->data[2] = (guint8) (50 + 40 * sin (t * 0.4));         /* throttle % */
  msg->data[3] = (guint8) (40 + MIN (90.0, 20 + t * 0.5));   /* coolant °C + 40 */
  msg->data[4] = 0;
  msg->data[5] = 0;
  msg->data[6] = ecu->counter & 0x0f;
  msg->data[7] = xor_checksum (msg->data, 7);
}

static void
fill_steering (DemoEcu *ecu, double t, CanopyMessage *msg)
{
  gint16 angle = (gint16) (450 * sin (t * 0.25) * 10);      /* 0.1° */

  put_le16 (msg->data, (guint16) angle);
  put_le16 (msg->data + 2, (guint16) (gint16) (cos (t * 0.25) * 300));
  msg->data[4] = ecu->counter;
}

static void
fill_wheels (DemoEcu *ecu, double t, CanopyMessage *msg)
{
  double v = vehicle_speed_kmh (t) * 100;

  for (guint i = 0; i < 4; i++)
    put_le16 (msg->data + 2 * i, (guint) (v * (1 + 0.003 * sin (t + i))));
}

static void
fill_gear (DemoEcu *ecu, double t, CanopyMessage *msg)
{
  double v = vehicle_speed_kmh (t);

  msg->data[0] = v < 1 ? 0 : MIN (6, 1 + (guint) (v / 22));
  msg->data[1] = (guint8) (engine_rpm (t) / 40);
  msg->data[2] = ecu->counter;
  msg->data[3] = xor_checksum (msg->data, 3);
}

static void
fill_ccvs (DemoEcu *ecu, double t, CanopyMessage *msg)
{
  /* J1939 CCVS (PGN 65265): wheel-based speed in 1/256 km/h at bytes 2–3 */
  memset (msg->data, 0xff, 8);
  put_le16 (msg->data + 1, (guint) (vehicle_speed_kmh (t) * 256));
  msg->data[3] = 0x00;
}

static void
fill_battery (DemoEcu *ecu, double t, CanopyMessage *msg)
{
  double soc = 80 - fmod (t / 60, 40);

  put_le16 (msg->data, (guint) ((13.8 + 0.3 * sin (t)) * 100));  /* 0.01 V */
  put_le16 (msg->data + 2, (guint16) (gint16) (sin (t * 0.4) * 1500)); /* 0.1 A */
  msg->data[4] = (guint8) (soc * 2);                             /* 0.5 % */
  msg->data[5] = 25 + (guint8) (t / 30) % 10;
}

static void
fill_climate (DemoEcu *ecu, double t, CanopyMessage *msg)
{
  msg->data[0] = 21 * 2;                                         /* set point 0.5 °C */
  msg->data[1] = (guint8) ((18 + 3 * sin (t * 0.05)) * 2);       /* cabin */
  msg->data[2] = (guint8) ((9 + 2 * sin (t * 0.01)) * 2 + 80);   /* outside */
  msg->data[3] = 3;                                              /* fan step */
}

static void
fill_odometer (DemoEcu *ecu, double t, CanopyMessage *msg)
{
  guint32 odo = 1254300 + (guint32) (t * 17);                    /* 0.1 km */

  msg->data[0] = odo & 0xff;
  msg->data[1] = (odo >> 8) & 0xff;
  msg->data[2] = (odo >> 16) & 0xff;
  msg->data[3] = (odo >> 24) & 0xff;
}

static void
fill_engine_temperature (DemoEcu *ecu, double t, CanopyMessage *msg)
{
  /* J1939 ET1 (PGN 65262): coolant, fuel and oil temperature */
  memset (msg->data, 0xff, 8);
  msg->data[0] = (guint8) (40 + MIN (90.0, 20 + t * 0.5));
  msg->data[1] = 40 + 35;
  put_le16 (msg->data + 2, (guint) ((273 + 95 + 5 * sin (t * 0.02)) * 32));
}

static const DemoEcu demo_ecus[] = {
  { 0x0C9,      FALSE, 8, MS (10),   fill_engine },
  { 0x1E5,      FALSE, 5, MS (10),   fill_steering },
  { 0x3E9,      FALSE, 8, MS (20),   fill_wheels },
  { 0x1F5,      FALSE, 4, MS (50),   fill_gear },
  { 0x18FEF100, TRUE,  8, MS (100),  fill_ccvs },
  { 0x18FF50E5, TRUE,  6, MS (500),  fill_battery },
  { 0x3D0,      FALSE, 4, MS (1000), fill_climate },
  { 0x5A0,      FALSE, 4, MS (1000), fill_odometer },
  { 0x18FEEE00, TRUE,  8, MS (1000), fill_engine_temperature },
};

#define DOOR_EVENT_ID 0x2A0

static void
send_door_event (CanopyDemoTraffic *traffic)
{
  CanopyMessage msg;
  guint8 data[2];

  traffic->doors ^= 1 << g_rand_int_range (traffic->rand, 0, 5);
  data[0] = traffic->doors;     /* bit per door and the tailgate */
  data[1] = g_rand_boolean (traffic->rand) ? 0x01 : 0x00;
  canopy_message_init (&msg, DOOR_EVENT_ID, FALSE, data, sizeof data);
  _canopy_virtual_channel_deliver (traffic->channel, NULL, &msg);
}

static gpointer
demo_thread (gpointer data)
{
  CanopyDemoTraffic *traffic = data;
  gint64 start = _canopy_clock_monotonic_ns ();

  for (guint i = 0; i < traffic->n_ecus; i++)
    traffic->ecus[i].next_ns = start + traffic->ecus[i].period_ns;
  traffic->next_event_ns = start + MS (g_rand_int_range (traffic->rand, 1500, 5000));

  g_mutex_lock (&traffic->mutex);
  while (!traffic->stop)
    {
      gint64 now = _canopy_clock_monotonic_ns ();
      gint64 next = traffic->next_event_ns;

      g_mutex_unlock (&traffic->mutex);

      for (guint i = 0; i < traffic->n_ecus; i++)
        {
          DemoEcu *ecu = &traffic->ecus[i];

          if (ecu->next_ns <= now)
            {
              CanopyMessage msg;

              canopy_message_init (&msg, ecu->id, ecu->extended, NULL, 0);
              msg.dlc = ecu->dlc;
              ecu->fill (ecu, (now - start) / 1e9, &msg);
              ecu->counter++;
              _canopy_virtual_channel_deliver (traffic->channel, NULL, &msg);

              /* Missed periods are skipped, never sent in a burst. */
              while (ecu->next_ns <= now)
                ecu->next_ns += ecu->period_ns;
            }
          next = MIN (next, ecu->next_ns);
        }

      if (traffic->next_event_ns <= now)
        {
          send_door_event (traffic);
          traffic->next_event_ns = now + MS (g_rand_int_range (traffic->rand, 1500, 5000));
          next = MIN (next, traffic->next_event_ns);
        }

      g_mutex_lock (&traffic->mutex);
      if (!traffic->stop && next > _canopy_clock_monotonic_ns ())
        g_cond_wait_until (&traffic->cond, &traffic->mutex,
                           g_get_monotonic_time () + (next - _canopy_clock_monotonic_ns ()) / 1000);
    }
  g_mutex_unlock (&traffic->mutex);

  return NULL;
}

CanopyDemoTraffic *
_canopy_demo_traffic_start (CanopyVirtualChannel *channel)
{
  CanopyDemoTraffic *traffic = g_new0 (CanopyDemoTraffic, 1);

  traffic->channel = channel;
  traffic->ecus = g_memdup2 (demo_ecus, sizeof demo_ecus);
  traffic->n_ecus = G_N_ELEMENTS (demo_ecus);
  traffic->rand = g_rand_new ();
  g_mutex_init (&traffic->mutex);
  g_cond_init (&traffic->cond);
  traffic->thread = g_thread_new ("canopy-demo", demo_thread, traffic);

  return traffic;
}

void
_canopy_demo_traffic_stop (CanopyDemoTraffic *traffic)
{
  g_mutex_lock (&traffic->mutex);
  traffic->stop = TRUE;
  g_cond_signal (&traffic->cond);
  g_mutex_unlock (&traffic->mutex);

  g_thread_join (traffic->thread);

  g_rand_free (traffic->rand);
  g_cond_clear (&traffic->cond);
  g_mutex_clear (&traffic->mutex);
  g_free (traffic->ecus);
  g_free (traffic);
}
