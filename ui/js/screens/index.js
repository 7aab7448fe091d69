// Every screen by route name.

import { bookingProblemScreen, bookingScreen, bookingTooEarlyScreen } from "./booking.js";
import { errorScreen, printingScreen, ticketScreen } from "./common.js";
import { collectScreen, dossierScreen, idCardDossiersScreen, lookupScreen, notReadyScreen, scanLookup, ticketStatusScreen } from "./dossier.js";
import { homeScreen } from "./home.js";
import { fieldProceduresScreen, procedureScreen, proceduresScreen } from "./info.js";
import { ratingScreen, thanksScreen } from "./rating.js";
import { agenciesScreen, fieldsScreen, priorityScreen, searchScreen, servicesScreen } from "./take.js";

export const SCREENS = {
  home: homeScreen,
  services: servicesScreen,
  search: searchScreen,
  agencies: agenciesScreen,
  fields: fieldsScreen,
  priority: priorityScreen,
  printing: printingScreen,
  ticket: ticketScreen,
  collect: collectScreen,
  booking: bookingScreen,
  bookingTooEarly: bookingTooEarlyScreen,
  bookingProblem: bookingProblemScreen,
  notReady: notReadyScreen,
  lookup: lookupScreen,
  dossier: dossierScreen,
  idCardDossiers: idCardDossiersScreen,
  ticketStatus: ticketStatusScreen,
  procedures: proceduresScreen,
  fieldProcedures: fieldProceduresScreen,
  procedure: procedureScreen,
  rating: ratingScreen,
  thanks: thanksScreen,
  error: errorScreen,
  scanLookup,
};
