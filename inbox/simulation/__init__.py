"""Playing the platforms for the demo: realistic, signed Facebook and X deliveries (`simulate_traffic`)."""
