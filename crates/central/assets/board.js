// Written with the page's markup.
