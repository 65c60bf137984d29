// Reads calendar files with ical.js (Mozilla's parser, used by Thunderbird and Nextcloud) the
// way tests/events/parsers.py reads them with the Python parsers: a JSON array of file texts on
// stdin, a JSON array (per file) of arrays (per VEVENT) on stdout, instants in UTC.
import ICAL from "ical.js";

function param(property, name) {
  const value = property.getParameter(name);
  return value === undefined || value === null ? "" : String(value);
}

function text(component, name) {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? "" : String(value);
}

function readFile(source) {
  // Each file is read as a client meeting it first would: with only its own VTIMEZONEs.
  ICAL.TimezoneService.reset();
  const calendar = new ICAL.Component(ICAL.parse(source));
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtimezone);
  }
  return calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    const organizer = vevent.getFirstProperty("organizer");
    return {
      method: text(calendar, "method"),
      uid: event.uid || "",
      sequence: event.sequence || 0,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      summary: event.summary || "",
      location: event.location || "",
      description: event.description || "",
      status: text(vevent, "status"),
      organizer: organizer ? String(organizer.getFirstValue()) : "",
      attendees: vevent.getAllProperties("attendee").map((attendee) => ({
        email: String(attendee.getFirstValue()),
        cn: param(attendee, "cn"),
        partstat: param(attendee, "partstat"),
        role: param(attendee, "role"),
        rsvp: param(attendee, "rsvp"),
      })),
    };
  });
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const files = JSON.parse(Buffer.concat(chunks).toString("utf8"));
process.stdout.write(JSON.stringify(files.map(readFile)));
