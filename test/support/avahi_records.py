#!/usr/bin/python3
"""Ask a private avahi-daemon (over its D-Bus) for records, with the RecordBrowser, which
returns ALL records of a name (avahi-resolve prints only the first address).

usage: avahi_records.py BUS_ADDRESS get SECONDS NAME:TYPE [NAME:TYPE ...]
         -> one JSON object {"NAME:TYPE": ["value", ...], ...} once all browsers said
            AllForNow (or SECONDS passed)
       avahi_records.py BUS_ADDRESS watch NAME:TYPE [...]
         -> JSON lines {"t": seconds, "event": "new"|"remove", "key": "NAME:TYPE", "value": ...}
            until killed
TYPE is A or AAAA (or a number)."""
import json, socket, sys, time
import dbus, dbus.mainloop.glib
from gi.repository import GLib

TYPES = {"A": 1, "AAAA": 28, "PTR": 12, "SRV": 33, "TXT": 16}

def value(rtype, rdata):
    b = bytes(rdata)
    if rtype == 1 and len(b) == 4:
        return socket.inet_ntop(socket.AF_INET, b)
    if rtype == 28 and len(b) == 16:
        return socket.inet_ntop(socket.AF_INET6, b)
    return b.hex()

def main():
    bus_address, mode = sys.argv[1], sys.argv[2]
    rest = sys.argv[3:]
    seconds = 5.0
    if mode == "get":
        seconds = float(rest[0]); rest = rest[1:]
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(bus_address)
    server = dbus.Interface(bus.get_object("org.freedesktop.Avahi", "/"), "org.freedesktop.Avahi.Server")
    loop = GLib.MainLoop()
    start = time.time()
    paths = {}
    results = {}
    pending = set()

    def on_signal(*args, **kw):
        member, path = kw["member"], kw["path"]
        key = paths.get(path)
        if key is None:
            return
        if member in ("ItemNew", "ItemRemove"):
            rtype, rdata = int(args[4]), args[5]
            v = value(rtype, rdata)
            if mode == "watch":
                print(json.dumps({"t": round(time.time() - start, 3), "event": "new" if member == "ItemNew" else "remove", "key": key, "value": v}), flush=True)
            elif member == "ItemNew":
                results.setdefault(key, [])
                if v not in results[key]:
                    results[key].append(v)
        elif member in ("AllForNow", "Failure"):
            pending.discard(key)
            if mode == "get" and not pending:
                GLib.timeout_add(150, loop.quit)

    # Subscribe before creating browsers: signals may come before the path is known otherwise.
    bus.add_signal_receiver(on_signal, dbus_interface="org.freedesktop.Avahi.RecordBrowser", member_keyword="member", path_keyword="path")
    for spec in rest:
        name, t = spec.rsplit(":", 1)
        rtype = TYPES.get(t, None) or int(t)
        p = server.RecordBrowserNew(-1, -1, name, 1, rtype, dbus.UInt32(0))
        paths[str(p)] = spec
        pending.add(spec)
        if mode == "get":
            results.setdefault(spec, [])
    if mode == "get":
        GLib.timeout_add(int(seconds * 1000), loop.quit)
    else:
        print(json.dumps({"t": 0, "event": "ready"}), flush=True)
    loop.run()
    if mode == "get":
        for k in results:
            results[k].sort()
        print(json.dumps(results))

main()
