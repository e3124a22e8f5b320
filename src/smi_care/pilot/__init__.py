"""The social-psychological service pilot (社会心理服务体系建设试点): area data, indicators, targets, scorecard."""
